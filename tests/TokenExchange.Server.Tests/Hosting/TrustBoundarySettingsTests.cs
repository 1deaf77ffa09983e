using Microsoft.Extensions.Configuration;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>The settings behind the cluster's trust boundaries: cluster certificate, insecure flag, dev issuer bind, container defaults.</summary>
public sealed class TrustBoundarySettingsTests
{
    private static readonly string[] Cluster = ["--postgres", "Host=db;Username=tx", "--key-encryption-key", Convert.ToBase64String(new byte[32])];

    [Fact]
    public void A_cluster_needs_a_cluster_certificate_or_the_explicit_insecure_flag()
    {
        var refused = Assert.Throws<ArgumentException>(() => Parse(Cluster));
        Assert.StartsWith("--cluster-cert is required with --postgres", refused.Message);

        var files = ClusterCertificateFiles.ForTests;
        var secure = Parse([.. Cluster, .. files.Arguments]);
        Assert.Equal((files.Certificate, files.Key, files.Ca), (secure.ClusterTls!.CertificatePath, secure.ClusterTls.KeyPath, secure.ClusterTls.CaPath));
        Assert.False(secure.InsecureClusterTransport);

        var insecure = Parse([.. Cluster, "--insecure-cluster-transport", "true"]);
        Assert.Null(insecure.ClusterTls);
        Assert.True(insecure.InsecureClusterTransport);
    }

    [Fact]
    public void The_embedded_default_needs_no_cluster_certificate()
    {
        var settings = Parse();

        Assert.Null(settings.ClusterTls);
        Assert.False(settings.InsecureClusterTransport);
    }

    [Theory]
    [InlineData("--cluster-key", "--cluster-cert")]
    [InlineData("--cluster-ca", "--cluster-cert")]
    public void Cluster_certificate_options_without_the_certificate_are_refused(string option, string needed)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(option, ClusterCertificateFiles.ForTests.Key));

        Assert.StartsWith($"{option} needs {needed}", e.Message);
    }

    [Fact]
    public void The_insecure_flag_and_a_cluster_certificate_contradict_each_other()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse([.. Cluster, .. ClusterCertificateFiles.ForTests.Arguments, "--insecure-cluster-transport", "true"]));

        Assert.StartsWith("--insecure-cluster-transport", e.Message);
    }

    [Fact]
    public void A_missing_cluster_certificate_file_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse([.. Cluster, "--cluster-cert", "/no/such/cluster.crt"]));

        Assert.StartsWith("--cluster-cert: file '/no/such/cluster.crt' does not exist", e.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", null, true, false)]
    [InlineData("http://[::1]:8080", null, true, false)]
    [InlineData("http://localhost:8080", null, true, false)]
    [InlineData("http://0.0.0.0:8080", null, false, false)]
    [InlineData("http://10.1.2.3:8080", null, false, false)]
    [InlineData("http://0.0.0.0:8080", "true", true, true)]
    [InlineData("http://127.0.0.1:8080", "false", false, false)]
    public void The_dev_issuer_is_on_by_default_only_on_a_loopback_bind(string http, string? devIssuer, bool on, bool warned)
    {
        var settings = Parse(devIssuer is null ? ["--http", http] : ["--http", http, "--dev-issuer", devIssuer]);

        Assert.Equal((on, warned), (settings.DevIssuer, settings.DevIssuerExplicit));
    }

    [Fact]
    public void A_cluster_has_no_dev_issuer_unless_asked_for()
    {
        var settings = Parse([.. Cluster, "--insecure-cluster-transport", "true"]);

        Assert.False(settings.DevIssuer);
    }

    [Fact]
    public void In_the_container_a_configuration_must_be_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("--container", "true"));
        Assert.Equal(ServerSettings.ContainerNeedsConfiguration, e.Message);

        var named = Parse("--container", "true", "--config", "/etc/token-exchange/config.yaml");
        Assert.True(named.Container);
        Assert.Equal("/etc/token-exchange/config.yaml", named.ConfigPath);
    }

    private static ServerSettings Parse(params string[] args) =>
        ServerSettings.From(new ConfigurationBuilder().AddCommandLine(args, ServerSettings.SwitchMappings.ToDictionary()).Build());
}
