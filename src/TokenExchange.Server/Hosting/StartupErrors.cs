using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using TokenExchange.Configuration;
using TokenExchange.Storage;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// Turns the known reasons a server cannot start, wherever in the exception chain they are (Orleans wraps a
/// lifecycle failure, the host an aggregate), into one line and an exit code. Anything else is a bug and
/// keeps its stack trace.
/// </summary>
public static class StartupErrors
{
    public static StartupFailure? Describe(Exception exception)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case StartupFailure failure:
                    return failure;
                case ConfigException config:
                    return new StartupFailure(StartupExitCodes.Configuration, "invalid configuration: " + string.Join("; ", config.Problems), e);
                // Options are checked before anything starts, so theirs is the outermost exception; one deeper
                // down is some component's bug, not the operator's.
                case ArgumentException when ReferenceEquals(e, exception):
                    return new StartupFailure(StartupExitCodes.Configuration, e.Message, e);
                case StorageUnavailableException:
                    return new StartupFailure(StartupExitCodes.StorageUnreachable, e.Message, e);
                case KeyEncryptionKeyMismatchException:
                    return new StartupFailure(StartupExitCodes.KeyEncryptionKey,
                        "the signing keys in the cluster's state do not decrypt with this key-encryption key: start with the key they were stored with (--key-encryption-key, or the data folder's key file)", e);
                case IOException { InnerException: AddressInUseException }:
                    // Kestrel's message names the address: "Failed to bind to address http://127.0.0.1:8080: address already in use."
                    return new StartupFailure(StartupExitCodes.AddressInUse, e.Message, e);
                case AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return new StartupFailure(StartupExitCodes.AddressInUse, $"the silo port is in use (--silo-port): {e.Message}", e);
            }
        }
        return null;
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain)) yield return inner;
            }
        }
    }
}
