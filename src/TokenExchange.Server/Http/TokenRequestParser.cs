using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TokenExchange.Exchange;

namespace TokenExchange.Server.Http;

/// <summary>
/// Reads an RFC 6749 / RFC 8693 token request from a form body, with client authentication by
/// <c>client_secret_basic</c>, <c>client_secret_post</c> or a client assertion (one at a time, <see cref="ClientCredentials"/>).
/// </summary>
public static class TokenRequestParser
{
    private static readonly string[] SingleValued =
    [
        "grant_type", "client_id", "client_secret", "subject_token", "subject_token_type", "actor_token",
        "actor_token_type", "requested_token_type", "scope", "token_handler", "refresh_token", "request_details", "request_context",
        "client_assertion", "client_assertion_type",
    ];

    /// <summary>The parameters a refusal may name.</summary>
    public static readonly IReadOnlySet<string> KnownNames = new HashSet<string>([.. SingleValued, "audience", "resource"], StringComparer.Ordinal);

    /// <summary>One of: a token exchange, a refresh, or the error that stopped parsing.</summary>
    public sealed record Parsed(ExchangeRequest? Request, OAuthError? Error, bool UsedBasicAuthentication)
    {
        public RefreshRequest? Refresh { get; init; }
    }

    private const string RefreshTokenGrant = "refresh_token";

    public static Parsed Parse(IFormCollection form, string? authorization, string? clientAddress)
    {
        foreach (var name in SingleValued)
        {
            if (form[name].Count > 1) return Fail($"parameter {name} is repeated");
        }
        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0) return Fail("grant_type is required");
        if (grantType is not (GrantTypes.TokenExchange or RefreshTokenGrant))
            return new Parsed(null, Errors.UnsupportedGrantType("grant_type is not supported; use urn:ietf:params:oauth:grant-type:token-exchange or refresh_token"), false);

        var credentials = ClientCredentials.Read(form, authorization);
        var (clientId, clientSecret, usedBasic, refused) = credentials;
        if (refused is not null) return new Parsed(null, refused, usedBasic);

        if (grantType == RefreshTokenGrant)
        {
            return new Parsed(null, null, usedBasic)
            {
                Refresh = new RefreshRequest
                {
                    ClientId = clientId,
                    ClientSecret = clientSecret,
                    RefreshToken = Optional(form, "refresh_token"),
                    Scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries),
                    ClientAddress = clientAddress,
                    ClientAssertion = credentials.PresentedAssertion,
                },
            };
        }

        return new Parsed(new ExchangeRequest
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            SubjectToken = Optional(form, "subject_token"),
            SubjectTokenType = Optional(form, "subject_token_type"),
            ActorToken = Optional(form, "actor_token"),
            ActorTokenType = Optional(form, "actor_token_type"),
            RequestedTokenType = Optional(form, "requested_token_type"),
            Scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Audiences = [.. form["audience"].OfType<string>()],
            Resources = [.. form["resource"].OfType<string>()],
            TokenHandler = Optional(form, "token_handler"),
            RequestDetails = Optional(form, "request_details"),
            RequestContext = Optional(form, "request_context"),
            ClientAddress = clientAddress,
            ClientAssertion = credentials.PresentedAssertion,
        }, null, usedBasic);
    }

    /// <summary>RFC 6749 section 2.3.1: Basic credentials are the form-urlencoded id and secret.</summary>
    public static bool TryReadBasic(string header, out string clientId, out string clientSecret)
    {
        clientId = clientSecret = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || value.Parameter is null)
            return false;
        Span<byte> buffer = stackalloc byte[1024];
        if (value.Parameter.Length > 1360 || !Convert.TryFromBase64String(value.Parameter, buffer, out var written)) return false;
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer[..written]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':');
        if (colon <= 0) return false;
        clientId = WebUtility.UrlDecode(decoded[..colon]);
        clientSecret = WebUtility.UrlDecode(decoded[(colon + 1)..]);
        return true;
    }

    private static string? Optional(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } value ? value : null;

    private static Parsed Fail(string description) => new(null, Errors.InvalidRequest(description), false);
}
