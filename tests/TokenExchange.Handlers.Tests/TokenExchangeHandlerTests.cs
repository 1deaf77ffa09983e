using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace TokenExchange.Handlers.Tests;

/// <summary>
/// A handler written as an operator writes one, against the SDK alone (this project references nothing of
/// the cluster): what the contexts hand it (settings, clock, directory, the app's enablement) is what it
/// sees, and its answers are the SDK's results.
/// </summary>
public sealed class TokenExchangeHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private readonly HandlerServices services = new()
    {
        Http = new HttpClient(),
        Logger = NullLogger.Instance,
        Time = new FakeTimeProvider(Now),
        Settings = new Dictionary<string, string> { ["issuer"] = "https://partner.example" },
    };

    private readonly PartnerHandler handler = new();

    [Fact]
    public async Task The_handler_sees_its_settings_and_the_clusters_clock()
    {
        var result = await handler.ValidateTokenAsync(Context("partner:alice-ext-1"));

        Assert.True(result.IsValid);
        Assert.Equal("alice-ext-1", result.Subject);
        Assert.Equal("https://partner.example", result.Issuer);
        Assert.Equal(Now.AddMinutes(5), result.ExpiresAt);
    }

    [Fact]
    public async Task A_token_it_does_not_know_is_invalid_with_its_message()
    {
        var result = await handler.ValidateTokenAsync(Context("someone-else:alice-ext-1"));

        Assert.False(result.IsValid);
        Assert.Equal("not a partner token", result.ErrorMessage);
    }

    [Fact]
    public void A_context_without_a_cancellation_token_cannot_be_cancelled()
    {
        Assert.False(Context("partner:alice-ext-1").CancellationToken.CanBeCanceled);
        Assert.False(Mapping("alice-ext-1", allowUserCreation: true).CancellationToken.CanBeCanceled);
    }

    [Fact]
    public async Task A_known_subject_maps_to_the_existing_user()
    {
        var result = await handler.GetUserAsync(Mapping("alice-ext-1", allowUserCreation: false));

        Assert.Equal(UserMappingResult.Existing("u-alice"), result);
    }

    [Fact]
    public async Task An_unknown_subject_is_described_for_creation_only_where_the_app_allows_it()
    {
        var allowed = await handler.GetUserAsync(Mapping("bob-ext-1", allowUserCreation: true));
        var refused = await handler.GetUserAsync(Mapping("bob-ext-1", allowUserCreation: false));

        Assert.Equal(UserMappingResult.Create(new HandlerUserData(FederationId: "bob-ext-1")), allowed);
        Assert.Equal(UserMappingResult.None("bob-ext-1 has no user and orders-service may not create one"), refused);
    }

    private TokenValidationContext Context(string token) => new()
    {
        ClientId = "orders-service",
        AppKind = "connected_app",
        Token = token,
        TokenType = "urn:ietf:params:oauth:token-type:access_token",
        Services = services,
    };

    private UserMappingContext Mapping(string subject, bool allowUserCreation) => new()
    {
        Validation = TokenValidationResult.Valid(subject, "https://partner.example"),
        AllowUserCreation = allowUserCreation,
        ClientId = "orders-service",
        Users = new Directory(),
        Services = services,
    };

    /// <summary>Accepts "partner:SUBJECT", valid for five minutes from the cluster's clock.</summary>
    private sealed class PartnerHandler : TokenExchangeHandler
    {
        public override Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context) =>
            Task.FromResult(context.Token.StartsWith("partner:", StringComparison.Ordinal)
                ? TokenValidationResult.Valid(context.Token["partner:".Length..], context.Services.Settings["issuer"], expiresAt: context.Services.Time.GetUtcNow().AddMinutes(5))
                : TokenValidationResult.Invalid("not a partner token"));

        public override async Task<UserMappingResult> GetUserAsync(UserMappingContext context)
        {
            var subject = context.Validation.Subject!;
            var user = await context.Users.FindAsync(UserField.FederationId, subject);
            if (user is not null) return UserMappingResult.Existing(user.Id);
            return context.AllowUserCreation
                ? UserMappingResult.Create(new HandlerUserData(FederationId: subject))
                : UserMappingResult.None($"{subject} has no user and {context.ClientId} may not create one");
        }
    }

    private sealed class Directory : IHandlerUserDirectory
    {
        private static readonly HandlerUser Alice = new("u-alice", "alice", "alice@example.com", "alice-ext-1", "Alice", Enabled: true);

        public Task<HandlerUser?> FindAsync(UserField field, string value) =>
            Task.FromResult(field == UserField.FederationId && value == Alice.FederationId ? Alice : null);

        public Task<HandlerUser?> GetAsync(string id) => Task.FromResult(id == Alice.Id ? Alice : null);
    }
}
