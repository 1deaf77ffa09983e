using System.Diagnostics;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Embedded;
using TokenExchange.Server.Tests.Tls;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Kubernetes;

/// <summary>
/// The workload-identity overlay makes the silos trust the API server's CA by adding the directory it mounts to
/// <c>SSL_CERT_DIR</c> after the image's own (k8s/overlays/workload-identity/kustomization.yaml). This checks that
/// a .NET process of this repository reads both directories: txctl reaches a TLS server whose certificate only the
/// second directory's CA vouches for, and without that directory refuses it.
/// </summary>
public sealed class ExtraTrustDirectoryTests : IDisposable
{
    private readonly TestPki pki = new();

    [Fact]
    public async Task A_CA_in_a_second_SSL_CERT_DIR_directory_is_trusted_beside_the_system_s_and_without_it_the_server_is_refused()
    {
        await using var server = await LoopbackServer.StartAsync(null, "--tls-cert", pki.ServerCertificateFile, "--tls-key", pki.ServerKeyFile);
        var extra = Directory.CreateDirectory(Path.Combine(pki.Folder, "kubernetes-ca")).FullName;
        File.Copy(pki.ClientCaBundle, Path.Combine(extra, "ca.crt"));
        var system = Environment.GetEnvironmentVariable("SSL_CERT_DIR") ?? "/etc/ssl/certs";

        var trusted = await ExchangeAsync(server, $"{system}:{extra}");
        var untrusted = await ExchangeAsync(server, system);

        // Trusted: the handshake succeeded, and the server refused the made-up app as OAuth does.
        Assert.Contains("invalid_client", trusted);
        Assert.DoesNotContain("invalid_client", untrusted);
        Assert.Contains("SSL", untrusted);
    }

    /// <summary>txctl exchange over gRPC to the server with this SSL_CERT_DIR; its output, both streams.</summary>
    private static async Task<string> ExchangeAsync(TokenExchangeServer server, string sslCertDir)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { ServerProcessRun.BuiltAssembly("TokenExchange.Cli", "txctl.dll"), "exchange", "--server", server.GrpcAddress.ToString(), "--client-id", "nobody", "--client-secret", "not-a-secret", "--subject-token", "not-a-token" })
            start.ArgumentList.Add(arg);
        start.Environment["SSL_CERT_DIR"] = sslCertDir;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return await output + await error;
    }

    public void Dispose() => pki.Dispose();
}
