using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// Account takeover across identity providers: two jwt handlers with their own keys, whose IdPs hand out the
/// same subject values. A subject is linked per (handler, issuer, subject), so the other IdP's subject
/// "alice-ext-1" never becomes the partner's alice, whatever its mapping rule names.
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class CrossIdentityProviderTests(AdversarialFixture fixture) : IDisposable
{
    private readonly Wire wire = new(fixture);

    [Theory]
    [MemberData(nameof(Wire.Both), MemberType = typeof(Wire))]
    public async Task Another_idps_subject_never_reaches_the_user_its_value_names(Transport transport)
    {
        var viaPartner = await wire.Exchanged(transport, fixture.Request(fixture.Idp.Token("alice-ext-1"), "partner"));
        var viaOther = await wire.Exchanged(transport, fixture.Request(fixture.OtherIdp.Token("alice-ext-1"), "other-idp"));

        Assert.Equal("u-alice", Subject(viaPartner.AccessToken));
        Assert.NotEqual("u-alice", Subject(viaOther.AccessToken));
        Assert.Matches("^u-[0-9a-f]{24}$", Subject(viaOther.AccessToken));
    }

    [Theory]
    [MemberData(nameof(Wire.Both), MemberType = typeof(Wire))]
    public async Task Where_no_user_may_be_created_another_idps_subject_is_refused(Transport transport)
    {
        var request = fixture.Request(fixture.OtherIdp.Token("erin-ext-1"), "other-idp");
        (request.ClientId, request.ClientSecret) = ("billing-service", AdversarialFixture.BillingSecret);

        Assert.Equal("no user is mapped to this subject", await wire.Refused(transport, request, "invalid_grant"));
    }

    [Theory]
    [MemberData(nameof(Wire.Both), MemberType = typeof(Wire))]
    public async Task One_new_subject_at_two_idps_becomes_two_users(Transport transport)
    {
        var subject = "shared-" + Guid.NewGuid().ToString("N");

        var first = await wire.Exchanged(transport, fixture.Request(fixture.Idp.Token(subject), "partner"));
        var second = await wire.Exchanged(transport, fixture.Request(fixture.OtherIdp.Token(subject), "other-idp"));
        var firstAgain = await wire.Exchanged(transport, fixture.Request(fixture.Idp.Token(subject), "partner"));

        Assert.NotEqual(Subject(first.AccessToken), Subject(second.AccessToken));
        Assert.Equal(Subject(first.AccessToken), Subject(firstAgain.AccessToken));
    }

    private static string Subject(string jwt) => new JsonWebToken(jwt).Subject;

    public void Dispose() => wire.Dispose();
}
