using System.Globalization;
using System.Text.Json.Serialization;
using TokenExchange.Silo;

namespace TokenExchange.Server.Http;

/// <summary>
/// The built-in dev issuer over HTTP: its JWKS and discovery document, and a mint endpoint that
/// <c>txctl dev-token</c> calls, whose form is read by the token endpoint's rules. Mapped only when the dev
/// issuer is enabled.
/// </summary>
public static class DevIssuerEndpoints
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(1);

    private static readonly IReadOnlySet<string> FormNames = new HashSet<string>(["sub", "aud", "ttl", "claim"], StringComparer.Ordinal);

    public static void MapDevIssuerEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Tokens.DevIssuer.PathSegment);
        group.MapGet("/jwks.json", (DevIssuerHolder dev) => Results.Text(dev.Issuer!.Jwks, "application/json"));
        group.MapGet("/.well-known/openid-configuration", (DevIssuerHolder dev) =>
            Results.Json(new DevDiscovery(dev.Issuer!.Issuer, dev.Issuer.Issuer + "/jwks.json")));
        group.MapPost("/token", async (HttpContext http, DevIssuerHolder dev) =>
        {
            var (form, unread, status) = await StrictForm.ReadAsync(http, FormNames);
            if (unread is not null) return Results.Json(new DevError($"send a form (sub, aud, ttl, claim=k=v): {unread.Description}"), statusCode: status ?? StatusCodes.Status400BadRequest);
            if (form!["sub"].Count > 1 || form["ttl"].Count > 1) return Results.BadRequest(new DevError("sub and ttl are single-valued"));
            var subject = form["sub"].ToString();
            if (subject.Length == 0) return Results.BadRequest(new DevError("sub is required"));
            var audiences = form["aud"].Count > 0 ? form["aud"].OfType<string>().ToArray() : ["token-exchange"];
            var ttl = TimeSpan.FromMinutes(10);
            if (form["ttl"].ToString() is { Length: > 0 } ttlText && (!TimeSpan.TryParse(ttlText, CultureInfo.InvariantCulture, out ttl) || ttl <= TimeSpan.Zero || ttl > MaxLifetime))
                return Results.BadRequest(new DevError("ttl must be a duration (hh:mm:ss) of at most one day"));
            var claims = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var claim in form["claim"].OfType<string>())
            {
                var equals = claim.IndexOf('=');
                if (equals <= 0) return Results.BadRequest(new DevError($"claim '{claim}' is not name=value"));
                claims[claim[..equals]] = ClaimValue(claim[(equals + 1)..]);
            }
            return Results.Json(new DevToken(dev.Issuer!.Mint(subject, audiences, ttl, claims)));
        }).DisableAntiforgery();
    }

    /// <summary>true/false and integers keep their JSON type (email_verified=true must be a boolean).</summary>
    private static object ClaimValue(string text) =>
        bool.TryParse(text, out var flag) ? flag : long.TryParse(text, CultureInfo.InvariantCulture, out var number) ? number : text;

    private sealed record DevDiscovery([property: JsonPropertyName("issuer")] string Issuer, [property: JsonPropertyName("jwks_uri")] string JwksUri);

    private sealed record DevToken([property: JsonPropertyName("token")] string Token);

    private sealed record DevError([property: JsonPropertyName("error")] string Error);
}
