using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Proofs;

namespace TokenExchange.Clients;

/// <summary>
/// Authenticates the client of a token request by any of its methods: a secret or a certificate through
/// <see cref="ClientAuthentication"/>, a client assertion (RFC 7523 section 2.2, docs/spec.md section 10) here: how it
/// was presented, its claims (<see cref="ClientAssertionClaims"/>), its signature by the app's keys or the federated
/// issuer's (Microsoft.IdentityModel), and, where it is single-use, its <c>jti</c> against the cluster's one-time store
/// (purpose <see cref="ReplayPurpose"/>, apart from DPoP's). Every refusal is invalid_client with one description;
/// keys that cannot be fetched are temporarily_unavailable. Counted by kind and outcome (tokenexchange.client_assertions).
/// </summary>
public sealed class ClientAuthenticator(IClientAssertionKeys keys, IOneTimeUseStore replays, TimeProvider time, TokenExchangeMetrics? metrics = null)
{
    /// <summary>The purpose assertion <c>jti</c>s are recorded under: scoped by issuer, never colliding with a DPoP proof's.</summary>
    public const string ReplayPurpose = "client_assertion";

    private const string Replayed = "jti used before";

    private static readonly JsonWebTokenHandler Tokens = new();

    public async ValueTask<(AppDefinition? App, OAuthError? Error)> AuthenticateAsync(DefinitionSnapshot definitions, string? clientId, string? secret, bool requireSecret, ClientCertificate? certificate, ClientAssertion? assertion, CancellationToken cancellationToken)
    {
        if (assertion is null) return ClientAuthentication.Authenticate(definitions, clientId, secret, requireSecret, certificate);
        var (app, kind, error) = await VerifyAsync(definitions, clientId, secret, assertion, cancellationToken).ConfigureAwait(false);
        metrics?.ClientAssertion(kind, error switch
        {
            null => "authenticated",
            { Code: OAuthErrorCodes.TemporarilyUnavailable } => "unavailable",
            { Reason: { } reason } when reason.EndsWith(Replayed, StringComparison.Ordinal) => "replayed",
            _ => "invalid",
        });
        return error is null ? (app, null) : (null, error);
    }

    private async ValueTask<(AppDefinition? App, string Kind, OAuthError? Error)> VerifyAsync(DefinitionSnapshot definitions, string? clientId, string? secret, ClientAssertion assertion, CancellationToken cancellationToken)
    {
        const string unknown = "unknown";
        if (string.IsNullOrEmpty(clientId) || !definitions.Apps.TryGetValue(clientId, out var app)) return (null, unknown, Refuse("unknown client_id"));
        if (ClientAuthentication.AssertionPresented(app, secret, assertion) is { } misplaced) return (null, unknown, misplaced);
        if (Read(assertion.Token) is not { } jwt) return (null, unknown, Refuse("client_assertion is not a JWT"));
        var kind = ClientAssertionClaims.Kind(jwt, app);
        if (ClientAssertionClaims.Check(jwt, app, assertion, time.GetUtcNow(), out var trust) is { } refused) return (null, kind, refused);

        IReadOnlyList<SecurityKey> signingKeys;
        try
        {
            var source = trust!.Federated is { } federated ? keys.ForIssuer(federated) : keys.ForApp(app);
            signingKeys = await source.GetKeysAsync(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        }
        catch (KeysUnavailableException e)
        {
            return (null, kind, Errors.TemporarilyUnavailable("the client's keys cannot be fetched now; try again", $"{kind}: {e.Message}"));
        }
        var result = await Tokens.ValidateTokenAsync(assertion.Token, new TokenValidationParameters
        {
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = DpopProofValidator.Algorithms,
            // iss, aud and the times were checked by ClientAssertionClaims, against this silo's TimeProvider.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            TypeValidator = (type, _, _) => type,
        }).ConfigureAwait(false);
        if (!result.IsValid) return (null, kind, Refuse($"{kind}: the signature does not verify with the {(trust.Federated is null ? "app's" : "issuer's")} keys ({result.Exception?.GetType().Name})"));
        if (trust.Jti is null) return (app, kind, null);

        return await replays.UseAsync(OneTimeUseKey.For(ReplayPurpose, jwt.Issuer, trust.Jti), trust.RememberUntil, cancellationToken).ConfigureAwait(false) switch
        {
            OneTimeUse.First => (app, kind, null),
            OneTimeUse.Replayed => (null, kind, Refuse($"{kind}: {Replayed}")),
            _ => (null, kind, Errors.TemporarilyUnavailable("client assertions cannot be checked for replay now; try again", "one-time store partition full")),
        };
    }

    /// <summary>The assertion as a JWT, or null: a registered claim of the wrong JSON type (an <c>exp</c> that is a string) fails parsing.</summary>
    private static JsonWebToken? Read(string token)
    {
        if (!Tokens.CanReadToken(token)) return null;
        try
        {
            return new JsonWebToken(token);
        }
        // Stryker disable Block : without this block the method ends in the default value, null, as the block returns.
        catch (ArgumentException)
        {
            return null;
        }
        // Stryker restore Block
    }

    private static OAuthError Refuse(string reason) => Errors.InvalidClient(ClientAuthentication.Failed, reason);
}
