using Microsoft.Extensions.Configuration;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>The TLS options: each mistake named, https addresses with a certificate, and no secret in a settings dump.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly string file = Path.GetTempFileName();

    private static ServerSettings Parse(params string[] args) =>
        ServerSettings.From(new ConfigurationBuilder().AddCommandLine(args, ServerSettings.SwitchMappings.ToDictionary()).Build());

    [Fact]
    public void Without_a_certificate_the_front_doors_are_plain_http()
    {
        var settings = Parse();

        Assert.Null(settings.Tls);
        Assert.Equal("http", settings.Http.Scheme);
    }

    [Fact]
    public void With_a_certificate_both_front_doors_are_https_whichever_scheme_was_written()
    {
        var settings = Parse("--tls-cert", file, "--http", "http://127.0.0.1:0", "--grpc", "https://127.0.0.1:9443");

        Assert.Equal(new Uri("https://127.0.0.1:0"), settings.Http);
        Assert.Equal(new Uri("https://127.0.0.1:9443"), settings.Grpc);
        Assert.False(settings.Tls!.AllowClientCertificates);
        Assert.Equal(new Uri("https://127.0.0.1:8080"), Parse("--tls-cert", file).Http);
    }

    [Fact]
    public void A_client_ca_bundle_allows_client_certificates()
    {
        Assert.True(Parse("--tls-cert", file, "--tls-client-ca", file).Tls!.AllowClientCertificates);
        Assert.True(Parse("--tls-cert", file, "--tls-client-certificates", "allow").Tls!.AllowClientCertificates);
    }

    [Theory]
    [InlineData("--tls-key", "--tls-key", "FILE")]
    [InlineData("--tls-client-ca", "--tls-client-ca", "FILE")]
    [InlineData("--tls-cert-password", "--tls-cert-password", "pw")]
    [InlineData("--http", "--http", "https://127.0.0.1:8443")]
    public void Tls_options_without_a_certificate_are_refused_by_name(string expected, string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(option, value == "FILE" ? file : value));

        Assert.StartsWith(expected, e.Message);
        Assert.Contains("--tls-cert", e.Message);
    }

    [Theory]
    [InlineData("--tls-client-certificates", "require", "--tls-client-certificates")]
    [InlineData("--tls-reload-period", "soon", "--tls-reload-period")]
    [InlineData("--tls-key", "/no/such/key.pem", "--tls-key")]
    public void Bad_tls_values_are_refused_by_name(string option, string value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("--tls-cert", file, option, value));

        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void A_missing_certificate_file_and_a_ca_bundle_without_client_certificates_are_refused()
    {
        Assert.StartsWith("--tls-cert", Assert.Throws<ArgumentException>(() => Parse("--tls-cert", "/no/such/cert.pem")).Message);
        Assert.StartsWith("--tls-client-ca", Assert.Throws<ArgumentException>(() => Parse("--tls-cert", file, "--tls-client-certificates", "none", "--tls-client-ca", file)).Message);
    }

    [Fact]
    public void A_settings_dump_shows_no_password_no_key_encryption_key_and_no_certificate_password()
    {
        var settings = Parse("--tls-cert", file, "--tls-cert-password", "pfx-password-not-shown",
            "--postgres", "Host=db;Username=tx;Password=db-password-not-shown;Database=tokenexchange",
            "--key-encryption-key", Convert.ToBase64String(new byte[32]), "--insecure-cluster-transport", "true");

        var dump = settings.ToString();

        Assert.DoesNotContain("pfx-password-not-shown", dump);
        Assert.DoesNotContain("db-password-not-shown", dump);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[32]), dump);
        Assert.Contains("db:5432/tokenexchange", dump);
        Assert.Contains(Path.GetFullPath(file), dump);
    }

    public void Dispose() => File.Delete(file);
}
