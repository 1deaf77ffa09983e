using Grpc.Core;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Protos.V1;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>Every rule of the exchange, as one request that breaks it and the error both front doors must give.</summary>
public static class ErrorCases
{
    public sealed record Case(string Code, int HttpStatus, StatusCode GrpcStatus, Func<ServerFixture, ExchangeRequest> Build);

    public static readonly IReadOnlyDictionary<string, Case> All = new Dictionary<string, Case>
    {
        ["unknown client"] = new("invalid_client", 401, StatusCode.Unauthenticated, f => With(f, r => r.ClientId = "nobody")),
        ["wrong secret"] = new("invalid_client", 401, StatusCode.Unauthenticated, f => With(f, r => r.ClientSecret = "wrong-secret-wrong-secret")),
        ["missing secret"] = new("invalid_client", 401, StatusCode.Unauthenticated, f => With(f, r => r.ClientSecret = "")),
        ["exchange disabled for app"] = new("unauthorized_client", 400, StatusCode.PermissionDenied, f => With(f, r => { r.ClientId = "reports-service"; r.ClientSecret = "reports-secret-0123456789abcdef"; })),
        ["unknown handler"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.TokenHandler = "no-such-handler")),
        ["handler not enabled for app"] = new("unauthorized_client", 400, StatusCode.PermissionDenied, f => With(f, r => r.TokenHandler = "billing-only")),
        ["token type not accepted by handler"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.SubjectTokenType = "urn:ietf:params:oauth:token-type:id_token")),
        ["unsupported token type"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.SubjectTokenType = "urn:example:token-type:custom")),
        ["missing subject token"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.SubjectToken = "")),
        ["missing subject token type"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.SubjectTokenType = "")),
        ["missing client id"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.ClientId = "")),
        ["expired token"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.Token(now: DateTimeOffset.UtcNow.AddHours(-1), expiresIn: TimeSpan.FromMinutes(5)))),
        ["not yet valid token"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.Token(notBefore: DateTimeOffset.UtcNow.AddMinutes(10), expiresIn: TimeSpan.FromMinutes(30)))),
        ["wrong issuer"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.Token(issuer: "https://evil.example"))),
        ["wrong audience"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.Token(audience: "someone-else"))),
        ["bad signature"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.TamperedToken())),
        ["unknown kid"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.Token(key: new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)) { KeyId = "unknown-kid" }))),
        ["disallowed algorithm"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.Token(key: f.Idp.RsaKey))),
        ["alg none"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.UnsignedToken())),
        ["hmac with the public key"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, f.Idp.HmacWithPublicKeyToken())),
        ["not a jwt"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, "not-a-token")),
        ["no mapped user and creation not allowed"] = new("invalid_grant", 400, StatusCode.PermissionDenied, f => With(f, r => { r.ClientId = "billing-service"; r.ClientSecret = ServerFixture.BillingSecret; r.SubjectToken = f.Idp.Token("stranger-" + Guid.NewGuid()); })),
        ["disabled user"] = new("invalid_grant", 400, StatusCode.PermissionDenied, f => Token(f, f.Idp.Token("dave-ext-1"))),
        ["scope not allowed"] = new("invalid_scope", 400, StatusCode.InvalidArgument, f => With(f, r => r.Scope.Add("admin"))),
        ["audience not allowed"] = new("invalid_target", 400, StatusCode.InvalidArgument, f => With(f, r => r.Audience.Add("https://payroll.example"))),
        ["resource not allowed"] = new("invalid_target", 400, StatusCode.InvalidArgument, f => With(f, r => r.Resource.Add("https://payroll.example/api"))),
        ["actor token without its type"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.ActorToken = f.Idp.Token("actor"))),
        ["expired actor token"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => { r.ActorToken = f.Idp.Token("actor", now: DateTimeOffset.UtcNow.AddHours(-1), expiresIn: TimeSpan.FromMinutes(5)); r.ActorTokenType = Clients.JwtType; })),
        ["actor not named by may_act"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => { r.SubjectToken = f.Idp.Token("alice-ext-1", claims: new Dictionary<string, object> { ["may_act"] = new Dictionary<string, object> { ["sub"] = "someone-else" } }); r.ActorToken = f.Idp.Token("actor"); r.ActorTokenType = Clients.JwtType; })),
        ["requested token type not allowed"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => With(f, r => r.RequestedTokenType = "urn:ietf:params:oauth:token-type:refresh_token")),
        ["subject token too long"] = new("invalid_request", 400, StatusCode.InvalidArgument, f => Token(f, new string('a', 20_000))),
    };

    public static TheoryData<string> Names() => [.. All.Keys];

    private static ExchangeRequest With(ServerFixture fixture, Action<ExchangeRequest> change)
    {
        var request = Requests.Orders(fixture);
        change(request);
        return request;
    }

    private static ExchangeRequest Token(ServerFixture fixture, string token) => Requests.Orders(fixture, token);
}
