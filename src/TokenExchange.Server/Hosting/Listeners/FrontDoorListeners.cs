using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Hosting.Listeners;

/// <summary>
/// A node's two Kestrel listeners: HTTP/1.1 on <c>--http</c> and HTTP/2 on <c>--grpc</c>, both with the server
/// certificate when TLS is on, each connection tagged with its door and each route answering only on its own
/// (<see cref="ListenerMatcherPolicy"/>); and their actual addresses once listening (port 0 picks one).
/// </summary>
internal sealed class FrontDoorListeners
{
    private readonly string scheme;
    private ListenOptions? http;
    private ListenOptions? grpc;

    private FrontDoorListeners(string scheme) => this.scheme = scheme;

    public static FrontDoorListeners Configure(WebApplicationBuilder builder, ServerSettings settings, ServerCertificateStore? certificate)
    {
        var listeners = new FrontDoorListeners(settings.Tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Listen(ServerSettings.EndPoint(settings.Http), listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseServerCertificate(certificate);
                FrontDoorListenerFeature.TagAs(listen, FrontDoor.Http);
                listeners.http = listen;
            });
            kestrel.Listen(ServerSettings.EndPoint(settings.Grpc), listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseServerCertificate(certificate);
                FrontDoorListenerFeature.TagAs(listen, FrontDoor.Grpc);
                listeners.grpc = listen;
            });
        });
        // Each route answers only on its own listener (Setup, dashboard, dev issuer... never on the gRPC port).
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());
        // Their addresses, for the warm-up's calls through them (Warmup/FrontDoorExercise.cs).
        builder.Services.AddSingleton(listeners);
        return listeners;
    }

    /// <summary>The HTTP front door's address (actual port, also when configured as 0).</summary>
    public Uri HttpAddress => Address(http);

    /// <summary>The gRPC front door's address.</summary>
    public Uri GrpcAddress => Address(grpc);

    private Uri Address(ListenOptions? listen) =>
        listen?.IPEndPoint is { } endPoint
            ? new Uri($"{scheme}://{(endPoint.Address.Equals(IPAddress.IPv6Loopback) ? "[::1]" : endPoint.Address.ToString())}:{endPoint.Port}")
            : throw new InvalidOperationException("the server is not listening yet");
}
