using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Bench.Shared;

/// <summary>The peers' user directory: in memory, a user per subject, created on first sight.</summary>
public sealed class UserDirectory
{
    private readonly ConcurrentDictionary<string, string> usersBySubject = new(StringComparer.Ordinal);

    public int Count => usersBySubject.Count;

    /// <summary>The local user id of a subject (issuer-scoped by the caller), created on a miss.</summary>
    public string GetOrCreate(string subject) =>
        usersBySubject.GetOrAdd(subject, static _ => "u-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
}
