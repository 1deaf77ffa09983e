using System.Net;
using Bench.Peers.Minimal;
using Bench.Shared;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The framework floor: one ASP.NET Core endpoint calling Microsoft.IdentityModel directly, doing the
// cluster's work (validate the subject token, map its subject to a user, issue an ES256 access token)
// and nothing else.
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

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, arguments.Port, listen => listen.Protocols = HttpProtocols.Http1);
});
builder.Services.AddSingleton(new TokenExchange(arguments));
var app = builder.Build();
app.MapPost("/oauth2/token", (HttpContext context, TokenExchange exchange) => exchange.HandleAsync(context));
app.MapGet("/healthz", () => "ok");
await app.RunAsync();
return 0;
