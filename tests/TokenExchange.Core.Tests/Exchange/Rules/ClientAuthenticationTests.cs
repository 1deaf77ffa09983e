using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class ClientAuthenticationTests
{
    private static readonly ClientCertificate Certificate = new() { Thumbprint = "thumbprint-0123456789", SubjectDn = "CN=orders", IssuedByTrustedCa = true };

    private static readonly DefinitionSnapshot Definitions = new(1,
    [
        App(),
        App("public") with { RequireSecret = false },
        App("by-certificate") with
        {
            SecretHashes = [],
            TokenEndpointAuthMethod = ClientAuthMethods.TlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { SubjectDn = "CN=orders" },
        },
        App("by-assertion") with
        {
            SecretHashes = [],
            TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
            ClientAssertions = new ClientAssertionPolicy { JwksUri = "https://keys.example/jwks" },
        },
    ], []);

    private static readonly ClientAssertion Assertion = new(ClientAssertion.JwtBearer, "header.payload.signature", ["https://tx.example"]);

    private static (AppDefinition? App, OAuthError? Error) Authenticate(string? clientId, string? secret, bool requireSecret = false, ClientCertificate? certificate = null) =>
        ClientAuthentication.Authenticate(Definitions, clientId, secret, requireSecret, certificate);

    private static void Refused((AppDefinition? App, OAuthError? Error) result, string reason)
    {
        Assert.Null(result.App);
        AssertError(result.Error, OAuthErrorCodes.InvalidClient, "client authentication failed");
        Assert.Equal(reason, result.Error!.Reason);
    }

    [Fact]
    public void The_right_secret_authenticates_the_app()
    {
        var (app, error) = Authenticate("orders", Secret);

        Assert.Null(error);
        Assert.Same(Definitions.Apps["orders"], app);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nobody")]
    public void An_unknown_or_missing_client_id_is_refused(string? clientId)
    {
        Refused(Authenticate(clientId, Secret), "unknown client_id");
    }

    [Fact]
    public void A_wrong_secret_is_refused_and_not_echoed()
    {
        var result = Authenticate("orders", OtherSecret);

        Refused(result, "client_secret does not match");
        Assert.DoesNotContain(OtherSecret, result.Error!.Description + result.Error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_secret_is_refused_where_the_app_requires_one(string? secret)
    {
        Refused(Authenticate("orders", secret), "client_secret missing");
    }

    [Fact]
    public void No_secret_passes_where_the_app_does_not_require_one()
    {
        var (app, error) = Authenticate("public", null);

        Assert.Null(error);
        Assert.Equal("public", app!.ClientId);
    }

    [Fact]
    public void No_secret_is_refused_where_the_caller_requires_one_whatever_the_app_says()
    {
        Refused(Authenticate("public", null, requireSecret: true), "client_secret missing");
    }

    [Fact]
    public void A_secret_presented_where_not_required_is_still_checked()
    {
        Refused(Authenticate("public", OtherSecret), "client_secret does not match");
        Assert.Null(Authenticate("public", Secret).Error);
    }

    [Fact]
    public void A_mutual_tls_app_authenticates_with_its_certificate_even_where_a_secret_is_required()
    {
        var (app, error) = Authenticate("by-certificate", null, requireSecret: true, Certificate);

        Assert.Null(error);
        Assert.Equal("by-certificate", app!.ClientId);
    }

    [Fact]
    public void A_mutual_tls_app_without_its_certificate_is_refused()
    {
        Refused(Authenticate("by-certificate", null, certificate: null), "no client certificate");
    }

    [Fact]
    public void A_mutual_tls_app_presenting_a_secret_is_refused()
    {
        Refused(Authenticate("by-certificate", Secret, certificate: Certificate), "client_secret presented by an app that authenticates with a certificate");
    }

    [Fact]
    public void Tokens_are_bound_to_the_certificate_of_a_mutual_tls_app_only()
    {
        Assert.Equal(Certificate.Thumbprint, ClientAuthentication.CertificateBinding(Definitions.Apps["by-certificate"], Certificate));
        Assert.Null(ClientAuthentication.CertificateBinding(Definitions.Apps["by-certificate"], null));
        Assert.Null(ClientAuthentication.CertificateBinding(Definitions.Apps["orders"], Certificate));
    }

    [Fact]
    public void An_assertion_app_is_never_authenticated_by_this_synchronous_rule()
    {
        Refused(ClientAuthentication.Authenticate(Definitions, "by-assertion", null, false, null, Assertion), "the client assertion was not verified");
        Refused(ClientAuthentication.Authenticate(Definitions, "by-assertion", null, false), "client_assertion missing");
        Refused(ClientAuthentication.Authenticate(Definitions, "by-assertion", Secret, true, Certificate), "client_assertion missing");
    }

    [Fact]
    public void An_assertion_to_a_secret_or_certificate_app_is_refused_even_with_the_right_secret()
    {
        Refused(ClientAuthentication.Authenticate(Definitions, "orders", Secret, false, null, Assertion), "client_assertion presented by an app that does not authenticate with one");
        Refused(ClientAuthentication.Authenticate(Definitions, "by-certificate", null, false, Certificate, Assertion), "client_assertion presented by an app that does not authenticate with one");
    }

    [Fact]
    public void An_assertion_is_presented_alone_of_the_jwt_bearer_type_and_bounded()
    {
        var app = Definitions.Apps["by-assertion"];

        Assert.Null(ClientAuthentication.AssertionPresented(app, null, Assertion));
        Assert.Null(ClientAuthentication.AssertionPresented(app, "", Assertion));
        Assert.Null(ClientAuthentication.AssertionPresented(app, null, Assertion with { Token = new string('a', ClientAssertion.MaxLength) }));
        Assert.Equal("client_secret presented together with a client_assertion", ClientAuthentication.AssertionPresented(app, Secret, Assertion)?.Reason);
        Assert.Equal("client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ClientAuthentication.AssertionPresented(app, null, Assertion with { Type = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer" })?.Reason);
        Assert.Equal("client_assertion longer than 16384 characters", ClientAuthentication.AssertionPresented(app, null, Assertion with { Token = new string('a', ClientAssertion.MaxLength + 1) })?.Reason);
        Assert.Equal("client_assertion missing", ClientAuthentication.AssertionPresented(app, null, null)?.Reason);
        AssertError(ClientAuthentication.AssertionPresented(app, Secret, Assertion), OAuthErrorCodes.InvalidClient, "client authentication failed");
    }

    [Fact]
    public void An_assertion_app_gets_no_certificate_binding()
    {
        Assert.Null(ClientAuthentication.CertificateBinding(Definitions.Apps["by-assertion"], Certificate));
    }
}
