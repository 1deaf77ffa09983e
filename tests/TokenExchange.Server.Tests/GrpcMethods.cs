using Google.Protobuf.Reflection;

namespace TokenExchange.Server.Tests;

/// <summary>
/// The paths of the token exchange service's gRPC methods (<c>/package.Service/Method</c>), read from the generated
/// descriptor rather than written out, for tests that name a method's URL (a DPoP proof's <c>htu</c>, a client
/// assertion's <c>aud</c>).
/// </summary>
public static class GrpcMethods
{
    private static readonly ServiceDescriptor Service = Protos.V1.TokenExchange.Descriptor;

    public static readonly string Exchange = Path(nameof(Exchange));
    public static readonly string ExchangeStream = Path(nameof(ExchangeStream));
    public static readonly string Refresh = Path(nameof(Refresh));
    public static readonly string Introspect = Path(nameof(Introspect));

    private static string Path(string method) =>
        $"/{Service.FullName}/{(Service.FindMethodByName(method) ?? throw new InvalidOperationException($"no gRPC method {method}")).Name}";
}
