namespace TokenExchange.Server.Tls;

/// <summary>
/// Checks the certificate files every <c>--tls-reload-period</c> and serves a new certificate without a
/// restart (cert-manager, a renewed Kubernetes Secret). A file that does not load (half written, wrong key)
/// is logged and the current certificate kept; it is tried again when the files change once more.
/// </summary>
public sealed class TlsCertificateReloader(ServerCertificateStore store, TimeProvider time, ILogger<TlsCertificateReloader> logger) : BackgroundService
{
    private string? failedFingerprint;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(store.Settings.ReloadPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) ReloadIfChanged();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>True when a new certificate is now served.</summary>
    public bool ReloadIfChanged()
    {
        string fingerprint;
        try
        {
            fingerprint = ServerCertificateFiles.Fingerprint(store.Settings);
        }
        catch (IOException e)
        {
            logger.LogWarning("TLS certificate files cannot be read ({Error}); still serving {Thumbprint}", e.Message, store.Current.Leaf.Thumbprint);
            return false;
        }
        if (fingerprint == store.Fingerprint || fingerprint == failedFingerprint) return false;
        try
        {
            var certificate = ServerCertificateFiles.Load(store.Settings);
            store.Replace(certificate, fingerprint);
            failedFingerprint = null;
            logger.LogInformation("TLS certificate reloaded: {Subject}, thumbprint {Thumbprint}, valid until {NotAfter:u}", certificate.Leaf.Subject, certificate.Leaf.Thumbprint, certificate.Leaf.NotAfter.ToUniversalTime());
            return true;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            failedFingerprint = fingerprint;
            logger.LogWarning("TLS certificate files changed but do not load ({Error}); still serving {Thumbprint}", e.Message, store.Current.Leaf.Thumbprint);
            return false;
        }
    }
}
