using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;

namespace TokenExchange.Core.Tests.Exchange;

/// <summary>
/// Apps that authenticate with a TLS client certificate (RFC 8705): the certificate instead of a secret,
/// invalid_client without it or with another, and the access token bound to it.
/// </summary>
public sealed class MutualTlsAuthorizationTests
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private const string RegisteredDn = "CN=orders-service, O=Example";
    private static readonly string RegisteredThumbprint = new('A', 43);

    private static readonly DefinitionSnapshot Definitions = new(
        1,
        [
            App("ca-issued") with { TokenEndpointAuthMethod = ClientAuthMethods.TlsClientAuth, TlsClientAuth = new TlsClientAuthPolicy { SubjectDn = RegisteredDn } },
            App("by-san") with { TokenEndpointAuthMethod = ClientAuthMethods.TlsClientAuth, TlsClientAuth = new TlsClientAuthPolicy { SanDns = "orders.internal" } },
            App("self-signed") with { TokenEndpointAuthMethod = ClientAuthMethods.SelfSignedTlsClientAuth, TlsClientAuth = new TlsClientAuthPolicy { Thumbprints = [RegisteredThumbprint] } },
            App("secret") with { SecretHashes = [ClientSecretHasher.Hash(Secret)], RequireSecret = true },
        ],
        [
            new HandlerDefinition
            {
                Name = "idp",
                AcceptedTokenTypes = [TokenTypes.AccessToken],
                Enablements = [Enable("ca-issued"), Enable("by-san"), Enable("self-signed"), Enable("secret")],
            },
        ]);

    private readonly ExchangePipeline authorizer = new(new ExchangeLimits());

    private static AppDefinition App(string clientId) => new()
    {
        ClientId = clientId,
        TokenExchangeEnabled = true,
        RequireSecret = false,
        AllowedScopes = ["api"],
        AllowedAudiences = ["https://api.example"],
    };

    private static HandlerAppEnablement Enable(string clientId) => new() { ClientId = clientId, Default = true };

    private static ClientCertificate Certificate(string dn = RegisteredDn, bool trusted = true, string? thumbprint = null, params string[] dns) =>
        new() { Thumbprint = thumbprint ?? new string('B', 43), SubjectDn = dn, IssuedByTrustedCa = trusted, DnsNames = dns };

    private static ExchangeRequest Request(string clientId, ClientCertificate? certificate, string? secret = null) => new()
    {
        ClientId = clientId,
        ClientSecret = secret,
        SubjectToken = "header.payload.signature",
        SubjectTokenType = TokenTypes.AccessToken,
        ClientCertificate = certificate,
    };

    private AuthorizedExchange Authorized(ExchangeRequest request)
    {
        var result = authorizer.Authorize(request, Definitions);
        Assert.Null(result.Error);
        return result.Exchange!;
    }

    private OAuthError Refused(ExchangeRequest request)
    {
        var result = authorizer.Authorize(request, Definitions);
        Assert.Null(result.Exchange);
        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error!.Code);
        Assert.Equal(MutualTlsAuthentication.Failed, result.Error!.Description);
        return result.Error!;
    }

    [Fact]
    public void A_ca_issued_certificate_with_the_registered_subject_authenticates_and_binds_the_token()
    {
        var certificate = Certificate();

        var exchange = Authorized(Request("ca-issued", certificate));

        Assert.Equal(certificate.Thumbprint, exchange.CertificateThumbprint);
    }

    [Fact]
    public void The_subject_dn_matches_regardless_of_case()
    {
        Authorized(Request("ca-issued", Certificate(dn: "cn=ORDERS-service, o=example")));
    }

    [Fact]
    public void A_registered_dns_name_authenticates_in_place_of_the_subject()
    {
        Authorized(Request("by-san", Certificate(dn: "CN=anything", dns: ["other.internal", "orders.internal"])));
        Refused(Request("by-san", Certificate(dn: "CN=orders.internal", dns: ["other.internal"])));
    }

    [Fact]
    public void No_certificate_is_invalid_client()
    {
        Assert.Equal("no client certificate", Refused(Request("ca-issued", certificate: null)).Reason);
        Refused(Request("self-signed", certificate: null));
    }

    [Fact]
    public void A_certificate_from_another_ca_is_invalid_client_even_with_the_registered_subject()
    {
        Assert.Contains("does not chain", Refused(Request("ca-issued", Certificate(trusted: false))).Reason);
    }

    [Fact]
    public void A_trusted_certificate_of_another_subject_is_invalid_client()
    {
        Assert.Contains("registered subject", Refused(Request("ca-issued", Certificate(dn: "CN=billing-service, O=Example"))).Reason);
    }

    [Fact]
    public void A_secret_never_stands_in_for_the_certificate_nor_accompanies_it()
    {
        Refused(Request("ca-issued", certificate: null, secret: Secret));
        Refused(Request("ca-issued", Certificate(), secret: Secret));
    }

    [Fact]
    public void A_self_signed_app_authenticates_with_a_registered_thumbprint_only()
    {
        var exchange = Authorized(Request("self-signed", Certificate(dn: "CN=whatever", trusted: false, thumbprint: RegisteredThumbprint)));

        Assert.Equal(RegisteredThumbprint, exchange.CertificateThumbprint);
        Assert.Contains("not registered", Refused(Request("self-signed", Certificate(trusted: true))).Reason);
    }

    [Fact]
    public void A_secret_app_keeps_its_secret_and_gets_unbound_tokens_even_with_a_certificate()
    {
        Assert.Null(Authorized(Request("secret", Certificate(), Secret)).CertificateThumbprint);
        Assert.Equal(OAuthErrorCodes.InvalidClient, authorizer.Authorize(Request("secret", Certificate()), Definitions).Error!.Code);
    }

    [Fact]
    public void Introspection_and_revocation_accept_the_certificate_as_the_apps_credentials()
    {
        var (app, error) = ClientAuthentication.Authenticate(Definitions, "ca-issued", secret: null, requireSecret: true, Certificate());
        Assert.Null(error);
        Assert.Equal("ca-issued", app!.ClientId);

        var (_, refused) = ClientAuthentication.Authenticate(Definitions, "ca-issued", secret: null, requireSecret: true, certificate: null);
        Assert.Equal(OAuthErrorCodes.InvalidClient, refused!.Code);
    }
}
