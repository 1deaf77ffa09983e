using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>An app's <c>tokenEndpointAuthMethod</c> and <c>tlsClientAuth</c> in the configuration file, and their problems.</summary>
public sealed class MutualTlsConfigTests
{
    private static readonly string Thumbprint = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData("a certificate"u8));

    private static string App(string settings) => $$"""
        apps:
          - clientId: orders-service
            tokenExchange: { enabled: true }
        {{string.Join("\n", settings.Split('\n').Select(line => "    " + line))}}
        """;

    private static AppDefinition Load(string settings) => ConfigLoader.Parse(App(settings)).Apps.Single();

    private static IReadOnlyList<string> Problems(string settings) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(App(settings))).Problems;

    [Fact]
    public void A_tls_client_auth_app_needs_no_secret_and_its_subject_is_normalised()
    {
        var app = Load("""
            tokenEndpointAuthMethod: tls_client_auth
            tlsClientAuth: { subjectDn: "CN=orders-service,O=Example" }
            """);

        Assert.Equal(ClientAuthMethods.TlsClientAuth, app.TokenEndpointAuthMethod);
        Assert.Equal("CN=orders-service, O=Example", app.TlsClientAuth!.SubjectDn);
        Assert.Empty(app.SecretHashes);
    }

    [Fact]
    public void A_self_signed_app_registers_thumbprints()
    {
        var app = Load($$"""
            tokenEndpointAuthMethod: self_signed_tls_client_auth
            tlsClientAuth: { certificateThumbprints: [{{Thumbprint}}, {{Thumbprint}}] }
            """);

        Assert.Equal([Thumbprint], app.TlsClientAuth!.Thumbprints);
    }

    [Fact]
    public void Secret_apps_are_unchanged_by_default()
    {
        var app = ConfigLoader.Parse("""
            apps:
              - { clientId: orders-service, clientSecret: orders-secret-0123456789abcdef, tokenExchange: { enabled: true } }
            """).Apps.Single();

        Assert.Equal(ClientAuthMethods.ClientSecretBasic, app.TokenEndpointAuthMethod);
        Assert.Null(app.TlsClientAuth);
    }

    [Theory]
    [InlineData("tokenEndpointAuthMethod: client_secret_jwt", "is not one of")]
    [InlineData("tokenEndpointAuthMethod: tls_client_auth", "tlsClientAuth is required")]
    [InlineData("tokenEndpointAuthMethod: tls_client_auth\ntlsClientAuth: { subjectDn: \"CN=a\", sanDns: a.example }", "exactly one of subjectDn and sanDns")]
    [InlineData("tokenEndpointAuthMethod: tls_client_auth\ntlsClientAuth: { }", "exactly one of subjectDn and sanDns")]
    [InlineData("tokenEndpointAuthMethod: tls_client_auth\ntlsClientAuth: { subjectDn: \"not a dn\" }", "is not a distinguished name")]
    [InlineData("tokenEndpointAuthMethod: tls_client_auth\ntlsClientAuth: { sanDns: \"not a name!\" }", "is not a DNS name")]
    [InlineData("tokenEndpointAuthMethod: self_signed_tls_client_auth\ntlsClientAuth: { certificateThumbprints: [] }", "must name at least one certificate")]
    [InlineData("tokenEndpointAuthMethod: self_signed_tls_client_auth\ntlsClientAuth: { certificateThumbprints: [AB:CD:EF] }", "is not an x5t#S256")]
    [InlineData("tokenEndpointAuthMethod: self_signed_tls_client_auth\ntlsClientAuth: { subjectDn: \"CN=a\" }", "settings of tls_client_auth")]
    [InlineData("tokenEndpointAuthMethod: tls_client_auth\nclientSecret: orders-secret-0123456789abcdef\ntlsClientAuth: { subjectDn: \"CN=a\" }", "has no clientSecret")]
    [InlineData("clientSecret: orders-secret-0123456789abcdef\ntlsClientAuth: { subjectDn: \"CN=a\" }", "not of client_secret_basic")]
    public void Each_mistake_is_a_specific_problem(string settings, string problem)
    {
        Assert.Contains(Problems(settings), p => p.Contains(problem, StringComparison.Ordinal) && p.StartsWith("apps[0]", StringComparison.Ordinal));
    }
}
