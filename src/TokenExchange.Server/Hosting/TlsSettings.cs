using System.Globalization;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// TLS on both front doors: the server certificate (a PEM chain with its PEM key, or a PFX), and whether
/// apps may present client certificates (RFC 8705 mutual TLS, never required of every caller).
/// </summary>
public sealed record TlsSettings
{
    /// <summary>PEM certificate chain (leaf first), or a PFX when <see cref="KeyPath"/> is not given.</summary>
    public required string CertificatePath { get; init; }

    /// <summary>PEM private key of the leaf certificate; null for a PFX, or a PEM file that holds the key too.</summary>
    public string? KeyPath { get; init; }

    /// <summary>Password of the PFX (or of an encrypted PEM key).</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>Ask callers for a client certificate (Kestrel's AllowCertificate): apps registered for mutual TLS authenticate with it.</summary>
    public bool AllowClientCertificates { get; init; }

    /// <summary>PEM bundle of the CAs that issue apps' certificates (<c>tls_client_auth</c>); none: only self-signed registration works.</summary>
    public string? ClientCaPath { get; init; }

    /// <summary>How often the certificate files are checked for a new certificate (served without a restart).</summary>
    public TimeSpan ReloadPeriod { get; init; } = TimeSpan.FromMinutes(1);

    public const string AllowMode = "allow";
    public const string NoneMode = "none";

    /// <summary>
    /// The TLS settings, or null when no <c>--tls-cert</c> is given (plain HTTP and HTTP/2 cleartext). The files
    /// are as given: <see cref="ServerSettingsFiles"/> checks them.
    /// </summary>
    internal static TlsSettings? From(GivenOptions given)
    {
        var certificate = given.Get(ServerOptions.TlsCert);
        var key = given.Get(ServerOptions.TlsKey);
        var password = given.Get(ServerOptions.TlsCertPassword);
        var mode = given.Get(ServerOptions.TlsClientCertificates);
        var clientCa = given.Get(ServerOptions.TlsClientCa);
        var reload = given.Get(ServerOptions.TlsReloadPeriod);
        if (certificate is null)
        {
            foreach (var (value, option) in new[] { (key, ServerOptions.TlsKey), (password, ServerOptions.TlsCertPassword), (mode, ServerOptions.TlsClientCertificates), (clientCa, ServerOptions.TlsClientCa), (reload, ServerOptions.TlsReloadPeriod) })
            {
                if (value is not null) throw new ArgumentException($"{option.Name} needs {ServerOptions.TlsCert.Name} (the server certificate)");
            }
            return null;
        }
        if (mode is not (null or AllowMode or NoneMode))
            throw new ArgumentException($"--tls-client-certificates: '{mode}' is not allow or none");
        if (mode == NoneMode && clientCa is not null)
            throw new ArgumentException("--tls-client-ca needs --tls-client-certificates allow (a CA bundle is for client certificates)");
        return new TlsSettings
        {
            CertificatePath = certificate,
            KeyPath = key,
            CertificatePassword = password,
            // A client CA bundle means client certificates are wanted.
            AllowClientCertificates = mode == AllowMode || (mode is null && clientCa is not null),
            ClientCaPath = clientCa,
            ReloadPeriod = reload is null ? TimeSpan.FromMinutes(1)
                : TimeSpan.TryParse(reload, CultureInfo.InvariantCulture, out var period) && period >= TimeSpan.FromSeconds(1) && period <= TimeSpan.FromDays(1) ? period
                : throw new ArgumentException($"--tls-reload-period: '{reload}' is not a duration (hh:mm:ss) between 1 second and 1 day"),
        };
    }

    /// <summary>The record as text for logs and debuggers: the password masked, never written out.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"CertificatePath = {CertificatePath}, KeyPath = {KeyPath}, CertificatePassword = {(CertificatePassword is null ? "(none)" : "*****")}, ");
        builder.Append($"AllowClientCertificates = {AllowClientCertificates}, ClientCaPath = {ClientCaPath}, ReloadPeriod = {ReloadPeriod}");
        return true;
    }
}
