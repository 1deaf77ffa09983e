using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Bench.Peers.OpenIddict;

/// <summary>
/// OpenIddict validates its own tokens out of the box; a subject token from another issuer needs a
/// ValidateToken handler (OpenIddict's documented extension point for token exchange). This one validates
/// the IdP's JWT with the IdP's keys and hands OpenIddict the principal, typed as the declared subject
/// token type; OpenIddict's later steps (expiry, audience, principal checks) then run as usual.
/// </summary>
public sealed class SubjectTokenValidation(SubjectTrust trust) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<SubjectTokenValidation>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        var request = context.Request;
        if (request is null || !request.IsTokenExchangeGrantType() || !string.Equals(context.Token, request.SubjectToken, StringComparison.Ordinal))
            return;

        var result = await context.SecurityTokenHandler.ValidateTokenAsync(context.Token, trust.Parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken)
        {
            context.Reject(OpenIddictConstants.Errors.InvalidRequest, "subject_token is invalid");
            return;
        }
        // An IdP's token names no presenter among this server's clients; its audience is this server.
        context.DisablePresenterValidation = true;
        context.ValidAudiences.Add(trust.Audience);
        context.Principal = new ClaimsPrincipal(result.ClaimsIdentity).SetTokenType(request.SubjectTokenType);
    }
}
