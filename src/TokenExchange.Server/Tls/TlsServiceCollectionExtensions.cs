using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using TokenExchange.Clients;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tls;

/// <summary>TLS on the front doors and the client certificates of RFC 8705 apps, wired into the host.</summary>
public static class TlsServiceCollectionExtensions
{
    /// <summary>Loads the certificate files now, so a bad file stops start-up with one message naming the option.</summary>
    public static ServerCertificateStore? LoadServerCertificate(this ServerSettings settings) =>
        settings.Tls is { } tls ? ServerCertificateStore.Load(tls) : null;

    public static void UseServerCertificate(this ListenOptions listen, ServerCertificateStore? store)
    {
        if (store is null) return;
        listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(store.ConnectionOptions()) });
    }

    public static IServiceCollection AddTokenExchangeTls(this IServiceCollection services, ServerCertificateStore? store)
    {
        var tls = store?.Settings;
        var trustedCas = ClientCertificateReader.LoadCaBundle(tls?.ClientCaPath);
        services.AddSingleton(new TransportSecurity(tls is not null, tls?.AllowClientCertificates == true));
        services.AddSingleton(sp => new ClientCertificates(trustedCas, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClientCertificateReader>();
        if (store is not null)
        {
            services.AddSingleton(store);
            services.AddSingleton<TlsCertificateReloader>();
            services.AddHostedService(sp => sp.GetRequiredService<TlsCertificateReloader>());
        }
        return services;
    }
}
