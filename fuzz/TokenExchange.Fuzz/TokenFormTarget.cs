using System.Text;
using Microsoft.AspNetCore.Http;
using TokenExchange.Exchange;
using TokenExchange.Server.Http;

namespace TokenExchange.Fuzz;

/// <summary>
/// The HTTP token endpoint's front door: <see cref="StrictForm.ReadAsync"/> on the body, then
/// <see cref="TokenRequestParser.Parse"/> into an exchange or a refresh request, as
/// <c>TokenEndpoint</c> does. Input: an optional Authorization header value, a newline, then the form body
/// (no newline: the whole input is the body). Promises: no exception; a refusal is invalid_request,
/// invalid_client or unsupported_grant_type; otherwise exactly one request, and every value in it clean.
/// </summary>
public sealed class TokenFormTarget : IFuzzTarget
{

    public string Run(byte[] input)
    {
        var newline = Array.IndexOf(input, (byte)'\n');
        var authorization = newline > 0 ? Encoding.Latin1.GetString(input, 0, newline) : null;
        var body = newline < 0 ? input : input[(newline + 1)..];

        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Post;
        http.Request.ContentType = "application/x-www-form-urlencoded";
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body, writable: false);

        var (form, unread, _) = StrictForm.ReadAsync(http, TokenRequestParser.KnownNames).GetAwaiter().GetResult();
        if (unread is not null)
        {
            Expect.Refusal(unread, OAuthErrorCodes.InvalidRequest);
            Expect.That(form is null, "a refused form is also returned");
            return $"form refused: {unread.Code}: {unread.Description}";
        }
        Expect.That(form is not null, "neither a form nor a refusal");

        var parsed = TokenRequestParser.Parse(form!, authorization, "192.0.2.1");
        if (parsed.Error is { } error)
        {
            Expect.Refusal(error, OAuthErrorCodes.InvalidRequest, OAuthErrorCodes.InvalidClient, OAuthErrorCodes.UnsupportedGrantType);
            Expect.That(parsed.Request is null && parsed.Refresh is null, "a refused request is also returned");
            return $"request refused: {error.Code}: {error.Description}";
        }
        Expect.That(parsed.Request is null != (parsed.Refresh is null), "not exactly one of an exchange and a refresh");
        if (parsed.Request is { } exchange)
        {
            foreach (var (name, value) in Values(exchange)) Expect.Clean(value, name);
            return $"an exchange for client {exchange.ClientId}";
        }
        else
        {
            var refresh = parsed.Refresh!;
            Expect.Clean(refresh.ClientId, "client_id");
            Expect.Clean(refresh.ClientSecret, "client_secret");
            Expect.Clean(refresh.RefreshToken, "refresh_token");
            foreach (var scope in refresh.Scopes) Expect.Clean(scope, "scope");
            return $"a refresh for client {refresh.ClientId}";
        }
    }

    private static IEnumerable<(string Name, string? Value)> Values(ExchangeRequest r) =>
        new (string, string?)[]
        {
            ("client_id", r.ClientId), ("client_secret", r.ClientSecret), ("subject_token", r.SubjectToken),
            ("subject_token_type", r.SubjectTokenType), ("actor_token", r.ActorToken), ("actor_token_type", r.ActorTokenType),
            ("requested_token_type", r.RequestedTokenType), ("token_handler", r.TokenHandler),
        }
        .Concat(r.Scopes.Select(s => ("scope", (string?)s)))
        .Concat(r.Audiences.Select(a => ("audience", (string?)a)))
        .Concat(r.Resources.Select(a => ("resource", (string?)a)));
}
