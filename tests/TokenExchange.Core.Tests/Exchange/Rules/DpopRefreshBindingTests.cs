using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

/// <summary>
/// RFC 9449 section 5: a public client's refresh tokens issued with a DPoP proof are bound to its key, a confidential
/// client's are not; a bound family's refresh needs a proof by that key (invalid_grant otherwise).
/// </summary>
public sealed class DpopRefreshBindingTests
{
    private const string Key = "key-thumbprint";

    private static readonly AppDefinition Public = App() with { RequireSecret = false };

    [Theory]
    [InlineData(ClientAuthMethods.ClientSecretBasic)]
    [InlineData(ClientAuthMethods.ClientSecretPost)]
    public void A_public_client_with_a_proof_binds_its_refresh_tokens_to_the_key(string method) =>
        Assert.Equal(Key, DpopRefreshBinding.KeyFor(Public with { TokenEndpointAuthMethod = method }, clientSecret: null, Key));

    [Fact]
    public void A_public_client_without_a_proof_binds_nothing() => Assert.Null(DpopRefreshBinding.KeyFor(Public, "", dpopThumbprint: null));

    [Fact]
    public void An_app_that_needs_no_secret_but_sent_one_is_a_confidential_client() =>
        Assert.Null(DpopRefreshBinding.KeyFor(Public, Secret, Key));

    [Fact]
    public void An_app_that_requires_a_secret_is_a_confidential_client() =>
        Assert.Null(DpopRefreshBinding.KeyFor(App(), clientSecret: null, Key));

    [Theory]
    [InlineData(ClientAuthMethods.TlsClientAuth)]
    [InlineData(ClientAuthMethods.SelfSignedTlsClientAuth)]
    [InlineData("private_key_jwt")]
    public void An_app_of_any_other_authentication_method_is_a_confidential_client(string method) =>
        Assert.Null(DpopRefreshBinding.KeyFor(Public with { TokenEndpointAuthMethod = method }, clientSecret: null, Key));

    [Theory]
    [InlineData(null)]
    [InlineData(Key)]
    [InlineData("another-key")]
    public void An_unbound_family_refreshes_with_any_proof_or_none(string? presented) => Assert.Null(DpopRefreshBinding.Check(boundTo: null, presented));

    [Fact]
    public void A_bound_family_refreshes_with_a_proof_by_its_key() => Assert.Null(DpopRefreshBinding.Check(Key, Key));

    [Fact]
    public void A_bound_family_without_a_proof_is_invalid_grant()
    {
        var error = DpopRefreshBinding.Check(Key, presented: null);

        AssertError(error, OAuthErrorCodes.InvalidGrant, DpopRefreshBinding.ProofMissing);
        Assert.Equal("no DPoP proof for a DPoP-bound refresh token", error!.Reason);
    }

    [Fact]
    public void A_bound_family_with_a_proof_by_another_key_is_invalid_grant()
    {
        var error = DpopRefreshBinding.Check(Key, "another-key");

        AssertError(error, OAuthErrorCodes.InvalidGrant, DpopRefreshBinding.OtherKey);
        Assert.Equal("DPoP proof of another key for a DPoP-bound refresh token", error!.Reason);
    }

    [Fact]
    public void Thumbprints_compare_exactly() => Assert.NotNull(DpopRefreshBinding.Check(Key, Key.ToUpperInvariant()));
}
