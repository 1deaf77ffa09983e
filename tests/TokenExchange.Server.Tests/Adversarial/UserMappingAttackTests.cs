namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// Claiming someone else's account: by an email the IdP has not verified (only a JSON true counts), by a
/// disabled user, or by creating a user where the app may not.
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class UserMappingAttackTests(AdversarialFixture fixture) : IDisposable
{
    private readonly Wire wire = new(fixture);

    public static TheoryData<Transport, string> UnverifiedEmails => new()
    {
        { Transport.Http, "false" }, { Transport.Grpc, "false" },
        { Transport.Http, "missing" }, { Transport.Grpc, "missing" },
        { Transport.Http, "\"true\"" }, { Transport.Grpc, "\"true\"" },
        { Transport.Http, "\"TRUE\"" }, { Transport.Grpc, "1" },
        { Transport.Http, "null" }, { Transport.Grpc, "[true]" },
    };

    [Theory]
    [MemberData(nameof(UnverifiedEmails))]
    public async Task An_unverified_email_never_maps_to_a_user(Transport transport, string emailVerified)
    {
        await wire.Refused(transport, fixture.Request(EmailToken("erin@example.com", emailVerified), "by-email"), "invalid_grant");
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_verified_email_maps_to_its_user(Transport transport)
    {
        // One identity for both transports: the link made by the first exchange is the one the second follows.
        var response = await wire.Exchanged(transport, fixture.Request(EmailToken("erin@example.com", "true", "erin-mail"), "by-email"));
        Assert.Equal("u-erin", Subject(response.AccessToken));
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_second_identity_with_a_linked_users_verified_email_is_refused(Transport transport)
    {
        await wire.Exchanged(transport, fixture.Request(EmailToken("erin@example.com", "true", "erin-mail"), "by-email"));

        var description = await wire.Refused(transport, fixture.Request(EmailToken("erin@example.com", "true"), "by-email"), "invalid_grant");

        Assert.Equal("the user is already linked to another identity of this token handler", description);
    }

    [Theory]
    [InlineData(Transport.Http, "sub")]
    [InlineData(Transport.Grpc, "sub")]
    [InlineData(Transport.Http, "email")]
    [InlineData(Transport.Grpc, "email")]
    public async Task A_disabled_user_is_never_linked(Transport transport, string by)
    {
        var request = by == "sub"
            ? fixture.Request(fixture.Idp.Token("dave-ext-1"))
            : fixture.Request(EmailToken("dave@example.com", "true"), "by-email");
        await wire.Refused(transport, request, "invalid_grant");
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_user_is_created_only_where_the_app_may_create_users(Transport transport)
    {
        var stranger = fixture.Idp.Token("stranger-" + Guid.NewGuid().ToString("N"));
        var billing = fixture.Request(stranger);
        (billing.ClientId, billing.ClientSecret) = ("billing-service", AdversarialFixture.BillingSecret);
        Assert.Contains("user", await wire.Refused(transport, billing, "invalid_grant"));

        Assert.NotEmpty((await wire.Exchanged(transport, fixture.Request(stranger))).AccessToken);
    }

    private string EmailToken(string email, string emailVerified, string? subject = null)
    {
        var claims = new Dictionary<string, object?> { ["sub"] = subject ?? "mail-" + Guid.NewGuid().ToString("N"), ["email"] = email };
        if (emailVerified != "missing") claims["email_verified"] = System.Text.Json.JsonDocument.Parse(emailVerified).RootElement;
        return AttackTokens.FromIdp(fixture.Idp, claims);
    }

    private static string Subject(string jwt) => new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(jwt).Subject;

    public void Dispose() => wire.Dispose();
}
