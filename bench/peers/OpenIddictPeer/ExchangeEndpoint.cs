using System.Security.Claims;
using Bench.Shared;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bench.Peers.OpenIddict;

/// <summary>The pass-through token endpoint: OpenIddict has validated the request and the subject token.</summary>
public static class ExchangeEndpoint
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static async Task<IResult> HandleAsync(HttpContext context, UserDirectory users, PeerArguments arguments)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenIddict request");
        if (!request.IsTokenExchangeGrantType()) return Forbid(Errors.UnsupportedGrantType, "only token exchange is supported");

        var subject = (await context.AuthenticateAsync(Scheme)).Principal;
        var sub = subject?.GetClaim(Claims.Subject);
        if (string.IsNullOrEmpty(sub)) return Forbid(Errors.InvalidRequest, "subject_token has no subject");

        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, users.GetOrCreate(sub));
        identity.SetClaim("client_id", arguments.ClientId);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        principal.SetAudiences(arguments.TokenAudience);
        return Results.SignIn(principal, authenticationScheme: Scheme);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [Scheme]);
}
