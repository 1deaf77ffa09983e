using Google.Protobuf;
using TokenExchange.Server.Grpc;
using Proto = TokenExchange.Protos.V1;

namespace TokenExchange.Fuzz;

/// <summary>
/// The gRPC front door's request mapping: the fuzzer's bytes parsed as the protobuf message a call
/// carries, then <see cref="TokenExchangeGrpcService"/>'s mapping to the exchange's request. The first byte
/// picks the message: 0 <c>ExchangeRequest</c> (unary Exchange), 1 <c>ExchangeStreamRequest</c> (a message of
/// ExchangeStream), 2 <c>RefreshRequest</c>. Promises: no exception other than protobuf's
/// <see cref="InvalidProtocolBufferException"/> (which gRPC answers before the service runs); the mapped
/// request carries the message's values, each repeated field complete and in order.
/// </summary>
public sealed class GrpcRequestTarget : IFuzzTarget
{
    public string Run(byte[] input)
    {
        if (input.Length == 0) return "empty";
        var message = input.AsSpan(1);
        try
        {
            switch (input[0] % 3)
            {
                case 0:
                    Exchange(Proto.ExchangeRequest.Parser.ParseFrom(message));
                    return "mapped an ExchangeRequest";
                case 1:
                    // A stream message without a request is refused by the pump before the mapping (ExchangeStreamPump).
                    if (Proto.ExchangeStreamRequest.Parser.ParseFrom(message).Request is not { } request) return "a stream message without a request";
                    Exchange(request);
                    return "mapped an ExchangeStreamRequest";
                default:
                    Refresh(Proto.RefreshRequest.Parser.ParseFrom(message));
                    return "mapped a RefreshRequest";
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            return $"refused by protobuf: {e.Message}";
        }
    }

    private static void Exchange(Proto.ExchangeRequest message)
    {
        var mapped = TokenExchangeGrpcService.ToCore(message, "192.0.2.1", null);
        Expect.That(mapped.ClientId == message.ClientId && mapped.ClientSecret == message.ClientSecret
            && mapped.SubjectToken == message.SubjectToken && mapped.SubjectTokenType == message.SubjectTokenType
            && mapped.ActorToken == message.ActorToken && mapped.ActorTokenType == message.ActorTokenType
            && mapped.RequestedTokenType == message.RequestedTokenType && mapped.TokenHandler == message.TokenHandler,
            "a single-valued field changed in the mapping");
        Expect.That(mapped.Scopes.SequenceEqual(message.Scope) && mapped.Audiences.SequenceEqual(message.Audience) && mapped.Resources.SequenceEqual(message.Resource),
            "a repeated field changed in the mapping");
    }

    private static void Refresh(Proto.RefreshRequest message)
    {
        var mapped = TokenExchangeGrpcService.ToCore(message, "192.0.2.1", null);
        Expect.That(mapped.ClientId == message.ClientId && mapped.ClientSecret == message.ClientSecret && mapped.RefreshToken == message.RefreshToken,
            "a single-valued field changed in the mapping");
        Expect.That(mapped.Scopes.SequenceEqual(message.Scope), "the scopes changed in the mapping");
    }
}
