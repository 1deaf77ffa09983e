using System.Net.Http.Json;
using System.Text.Json.Serialization;
using TokenExchange.Handlers;

namespace Partner.Handlers;

/// <summary>
/// Exchanges a partner's opaque tokens: asks the partner's API who a token belongs to, and maps the
/// partner's user id to a local user by federation id (creating the user where the app allows it).
/// Settings: <c>apiBase</c> (the partner API), <c>apiKey</c> (our key at the partner), <c>issuer</c>
/// (how sessions name the partner; default apiBase).
/// </summary>
public sealed class PartnerApiHandler : TokenExchangeHandler
{
    public override async Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context)
    {
        var settings = context.Services.Settings;
        if (!settings.TryGetValue("apiBase", out var apiBase))
            throw new InvalidOperationException("the partner handler needs an apiBase setting");

        using var request = new HttpRequestMessage(HttpMethod.Post, apiBase.TrimEnd('/') + "/tokeninfo")
        {
            Content = new FormUrlEncodedContent([new("token", context.Token)]),
        };
        if (settings.TryGetValue("apiKey", out var apiKey)) request.Headers.Authorization = new("Bearer", apiKey);
        using var response = await context.Services.Http.SendAsync(request, context.CancellationToken);
        response.EnsureSuccessStatusCode();
        var info = await response.Content.ReadFromJsonAsync<TokenInfo>(context.CancellationToken);

        if (info is not { Active: true, PartnerUserId: { Length: > 0 } partnerUserId })
            return TokenValidationResult.Invalid("the partner does not recognise this token");
        var claims = new Dictionary<string, string> { ["partner_user_id"] = partnerUserId };
        if (info.Tier is { } tier) claims["tier"] = tier;
        return TokenValidationResult.Valid(
            subject: partnerUserId,
            issuer: settings.GetValueOrDefault("issuer", apiBase),
            claims: claims,
            userData: new HandlerUserData(Email: info.Email, DisplayName: info.Name, FederationId: partnerUserId),
            expiresAt: info.ExpiresAt is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null);
    }

    public override async Task<UserMappingResult> GetUserAsync(UserMappingContext context)
    {
        var partnerUserId = context.Validation.Claims["partner_user_id"];
        if (await context.Users.FindAsync(UserField.FederationId, partnerUserId) is { } user)
            return UserMappingResult.Existing(user.Id);
        return context.AllowUserCreation
            ? UserMappingResult.Create(context.Validation.UserData ?? new HandlerUserData(FederationId: partnerUserId))
            : UserMappingResult.None("no account is linked to this partner user");
    }

    private sealed record TokenInfo(
        [property: JsonPropertyName("active")] bool Active,
        [property: JsonPropertyName("partner_user_id")] string? PartnerUserId,
        [property: JsonPropertyName("email")] string? Email,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("tier")] string? Tier,
        [property: JsonPropertyName("exp")] long? ExpiresAt);
}
