using System.Net;
using System.Security.Cryptography;
using Bench.Peers.OpenIddict;
using Bench.Shared;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.IdentityModel.Tokens;

// The server a .NET team would otherwise pick: OpenIddict's server with its RFC 8693 token exchange grant,
// in degraded mode (no stores: one app checked in code, no token or authorization storage), issuing
// unencrypted ES256 JWT access tokens. The token endpoint is a pass-through to the handler below, which
// maps the subject to a user from an in-memory directory, as the cluster and the minimal peer do.
PeerArguments arguments;
try
{
    arguments = PeerArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, arguments.Port, listen => listen.Protocols = HttpProtocols.Http1);
});
var subjectTrust = new SubjectTrust(arguments);
builder.Services.AddSingleton(subjectTrust);
builder.Services.AddSingleton(new ClientSecret(arguments.ClientSecret));
builder.Services.AddSingleton(arguments);
builder.Services.AddSingleton<UserDirectory>();
builder.Services.AddOpenIddict().AddServer(server =>
{
    server.SetIssuer(new Uri(arguments.Issuer));
    server.SetTokenEndpointUris("/oauth2/token");
    server.AllowTokenExchangeFlow();
    // An IdP's JWT is exchanged as an access token or a plain JWT (RFC 8693 token type identifiers).
    server.Configure(options => options.SubjectTokenTypes.Add(SubjectTrust.JwtTokenType));
    server.RegisterScopes("api");
    server.SetAccessTokenLifetime(arguments.TokenLifetime);
    server.EnableDegradedMode();
    server.DisableTokenStorage();
    server.DisableAuthorizationStorage();
    server.DisableAccessTokenEncryption();
    server.AddSigningKey(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "peer-1" });
    // OpenIddict requires an encryption key even when no token it issues here is encrypted.
    server.AddEphemeralEncryptionKey();
    server.AddEventHandler(ClientAuthentication.Descriptor);
    server.AddEventHandler(SubjectTokenValidation.Descriptor);
    server.UseAspNetCore()
        .EnableTokenEndpointPassthrough()
        .DisableTransportSecurityRequirement();
});

var app = builder.Build();
app.MapPost("/oauth2/token", ExchangeEndpoint.HandleAsync);
app.MapGet("/healthz", () => "ok");
await app.RunAsync();
return 0;
