using Microsoft.Extensions.Configuration;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Hosting;

public sealed class ServerSettingsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var settings = ServerSettings.From(new ConfigurationBuilder().Build());

        Assert.Equal("config/dev.yaml", settings.ConfigPath);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), settings.Http);
        Assert.Equal(new Uri("http://127.0.0.1:8081"), settings.Grpc);
        Assert.True(settings.DevIssuer);
    }

    [Fact]
    public void Command_line_switches_are_read()
    {
        var settings = Parse("--http", "http://127.0.0.1:0", "--grpc", "http://localhost:9001", "--issuer", "https://sts.example", "--dev-issuer", "false");

        Assert.Equal(0, settings.Http.Port);
        Assert.Equal(9001, settings.Grpc.Port);
        Assert.Equal("https://sts.example", settings.Issuer);
        Assert.False(settings.DevIssuer);
    }

    [Theory]
    [InlineData("--http", "not a url")]
    [InlineData("--http", "https://127.0.0.1:8080")]
    [InlineData("--grpc", "http://example.com:80")]
    [InlineData("--dev-issuer", "maybe")]
    [InlineData("--silo-port", "70000")]
    [InlineData("--rate-limit-per-address", "-1")]
    [InlineData("--rate-limit-per-address", "lots")]
    [InlineData("--audit", "syslog")]
    [InlineData("--drain-delay", "-00:00:01")]
    [InlineData("--drain-delay", "soon")]
    [InlineData("--request-timeout", "00:00:00")]
    [InlineData("--request-timeout", "00:05:00")]
    [InlineData("--audit", "postgres")]
    [InlineData("--trusted-proxies", "10.0.0.0/33")]
    [InlineData("--trusted-proxies", "10.0.0.0/8,proxy.internal")]
    public void Bad_values_get_a_message_that_names_the_option(string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(option, value));

        Assert.StartsWith(option, e.Message);
    }

    [Fact]
    public void A_dev_issuer_key_file_is_read_and_checked_at_start_up()
    {
        var pem = Path.Combine(Path.GetTempPath(), $"tx-dev-key-{Guid.NewGuid():N}.pem");
        try
        {
            using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
                File.WriteAllText(pem, key.ExportPkcs8PrivateKeyPem());
            Assert.Equal(pem, Parse("--dev-issuer-key", pem).DevIssuerKey);

            Assert.StartsWith("--dev-issuer-key", Assert.Throws<ArgumentException>(() => Parse("--dev-issuer-key", pem + ".missing")).Message);
            Assert.StartsWith("--dev-issuer-key", Assert.Throws<ArgumentException>(() => Parse("--dev-issuer-key", pem, "--dev-issuer", "false")).Message);
            using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384))
                File.WriteAllText(pem, key.ExportPkcs8PrivateKeyPem());
            Assert.Contains("P-256", Assert.Throws<ArgumentException>(() => Parse("--dev-issuer-key", pem)).Message);
            File.WriteAllText(pem, "not a key");
            Assert.Contains("not a PEM private key", Assert.Throws<ArgumentException>(() => Parse("--dev-issuer-key", pem)).Message);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public void Rate_limit_per_address_and_audit_to_postgres_are_read()
    {
        var settings = Parse("--rate-limit-per-address", "250", "--audit", "postgres", "--postgres", "Host=db;Username=tx", "--key-encryption-key", Convert.ToBase64String(new byte[32]),
            "--insecure-cluster-transport", "true");
        var defaults = Parse();

        Assert.Equal((250, true), (settings.RateLimitPerAddress, settings.AuditToPostgres));
        Assert.Equal((0, false), (defaults.RateLimitPerAddress, defaults.AuditToPostgres));
    }

    [Fact]
    public void Trusted_proxies_are_ranges_or_single_addresses_from_the_option_or_the_environment()
    {
        var settings = Parse("--trusted-proxies", "10.0.0.0/8, 192.0.2.7,fd00::/8,172.16.5.4/12");
        var fromEnvironment = ServerSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TRUSTED_PROXIES"] = "2001:db8::1" }).Build());

        Assert.Equal(["10.0.0.0/8", "192.0.2.7/32", "fd00::/8", "172.16.0.0/12"], settings.TrustedProxies.Select(n => n.ToString()));
        Assert.Equal(["2001:db8::1/128"], fromEnvironment.TrustedProxies.Select(n => n.ToString()));
        Assert.Empty(Parse().TrustedProxies);
    }

    [Fact]
    public void A_cluster_drains_for_five_seconds_by_default_the_embedded_node_not_at_all_and_both_are_configurable()
    {
        var kek = Convert.ToBase64String(new byte[32]);
        Assert.Equal(TimeSpan.Zero, Parse().DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), Parse("--postgres", "Host=db;Username=tx;Database=tx", "--key-encryption-key", kek, "--insecure-cluster-transport", "true").DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), Parse("--drain-delay", "00:00:02").DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), Parse().RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), Parse("--request-timeout", "00:00:03").RequestTimeout);
    }

    private static ServerSettings Parse(params string[] args) =>
        ServerSettings.From(new ConfigurationBuilder().AddCommandLine(args, ServerSettings.SwitchMappings.ToDictionary()).Build());
}
