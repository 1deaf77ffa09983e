using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Proofs;

namespace TokenExchange.Clients;

/// <summary>
/// The checks of a client assertion's header and claims, before its signature (docs/spec.md section 10): an
/// asymmetric <c>alg</c>; no <c>typ</c> of another of the cluster's JWTs; <c>iss</c> and <c>sub</c> both the client id
/// (<c>private_key_jwt</c>, RFC 7523 section 3 points 1 and 2) or one of the app's federated credentials; an
/// <c>aud</c> naming this cluster (point 3: its issuer or the endpoint's URL; a federated credential may name its own);
/// an <c>exp</c> not passed (point 4), no <c>nbf</c> or <c>iat</c> ahead (points 5, 6), a bounded lifetime; a
/// <c>jti</c> where the assertion is single-use (point 7). Every refusal is one invalid_client with one description
/// (<see cref="ClientAuthentication.Failed"/>); the reason names the check, for the audit event only.
/// </summary>
public static class ClientAssertionClaims
{
    /// <summary>How far this silo's clock may be from the client's (an <c>exp</c> just passed, an <c>iat</c> just ahead).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The longest a <c>private_key_jwt</c> assertion may live (<c>exp</c> after <c>iat</c>, or after <c>nbf</c>, or after now).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest a federated token may live: a Kubernetes projected token lives an hour by default (its kubelet
    /// renews it at 80 %), a JWT-SVID minutes; a day bounds what a leaked one is worth.
    /// </summary>
    public static readonly TimeSpan MaxFederatedLifetime = TimeSpan.FromHours(24);

    /// <summary>Longest <c>jti</c> accepted.</summary>
    public const int MaxJtiLength = 256;

    /// <summary>JWTs of the cluster's other kinds, never a client assertion (RFC 8725 section 3.11: explicit typing).</summary>
    private static readonly string[] OtherTypes = [DpopProofValidator.ProofType, "txntoken+jwt", "at+jwt"];

    /// <summary>Null when the claims are acceptable, with what verifies the assertion and how it is remembered; else the refusal.</summary>
    public static OAuthError? Check(JsonWebToken jwt, AppDefinition app, ClientAssertion presented, DateTimeOffset now, out AssertionTrust? trust)
    {
        trust = null;
        var policy = app.ClientAssertions ?? new ClientAssertionPolicy();
        if (!DpopProofValidator.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal)) return Refuse($"alg {jwt.Alg} is not an asymmetric signature algorithm");
        if (OtherTypes.Contains(jwt.Typ, StringComparer.OrdinalIgnoreCase)) return Refuse($"typ {jwt.Typ} is not a client assertion's");
        var issuer = jwt.Issuer;
        var subject = jwt.Subject;
        if (issuer.Length == 0 || subject.Length == 0) return Refuse("iss and sub are required");

        FederatedCredential? federated = null;
        if (Kind(jwt, app) == AssertionTrust.PrivateKeyJwtKind)
        {
            if (!policy.HasOwnKeys) return Refuse("the app has no keys of its own (jwks or jwksUri) for a private_key_jwt assertion");
        }
        else
        {
            federated = Array.Find(policy.FederatedCredentials, c => c.Issuer == issuer && c.Subject == subject);
            if (federated is null) return Refuse("iss and sub name neither the client nor one of its federated credentials");
        }
        var kind = federated is null ? AssertionTrust.PrivateKeyJwtKind : AssertionTrust.FederatedKind;

        if (!NamesThisCluster(jwt, federated?.Audience, presented.Audiences)) return Refuse($"{kind}: aud names neither this cluster's issuer nor this endpoint");
        if (!jwt.TryGetPayloadValue<long>("exp", out var expSeconds)) return Refuse($"{kind}: exp is required");
        var expires = Time(expSeconds);
        if (expires + ClockSkew <= now) return Refuse($"{kind}: expired (exp)");
        DateTimeOffset? notBefore = jwt.TryGetPayloadValue<long>("nbf", out var nbfSeconds) ? Time(nbfSeconds) : null;
        if (notBefore > now + ClockSkew) return Refuse($"{kind}: not yet valid (nbf)");
        DateTimeOffset? issuedAt = jwt.TryGetPayloadValue<long>("iat", out var iatSeconds) ? Time(iatSeconds) : null;
        if (issuedAt > now + ClockSkew) return Refuse($"{kind}: issued in the future (iat)");
        var maxLifetime = federated is null ? MaxLifetime : MaxFederatedLifetime;
        if (expires - (issuedAt ?? notBefore ?? now) > maxLifetime) return Refuse($"{kind}: lives longer than {maxLifetime.TotalMinutes:0} minutes");

        // A reusable federated token's jti is not read: it stays null, and the token is not remembered.
        string? jti = null;
        if ((federated is null || federated.OneTimeUse) && (!jwt.TryGetPayloadValue(JwtRegisteredClaimNames.Jti, out jti) || string.IsNullOrEmpty(jti) || jti.Length > MaxJtiLength))
            return Refuse($"{kind}: a jti of at most {MaxJtiLength} characters is required");
        trust = new AssertionTrust(federated, jti, expires + ClockSkew);
        return null;
    }

    /// <summary>What the assertion claims to be, read before it is verified (for metrics): its own client's (<c>iss</c> and <c>sub</c> the client id), else a federated workload's.</summary>
    public static string Kind(JsonWebToken jwt, AppDefinition app) =>
        jwt.Issuer == app.ClientId && jwt.Subject == app.ClientId ? AssertionTrust.PrivateKeyJwtKind : AssertionTrust.FederatedKind;

    /// <summary>RFC 7523 section 3 point 3: one of the token's audiences is the one expected (a federated credential's own, else the cluster's issuer or this endpoint's URL).</summary>
    private static bool NamesThisCluster(JsonWebToken jwt, string? configured, IReadOnlyList<string> endpoint)
    {
        foreach (var audience in jwt.Audiences)
        {
            if (configured is not null ? audience == configured : endpoint.Contains(audience, StringComparer.Ordinal) || DpopUris.Matches(audience, endpoint)) return true;
        }
        return false;
    }

    private static DateTimeOffset Time(long seconds) => DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 86_400));

    private static OAuthError Refuse(string reason) => Errors.InvalidClient(ClientAuthentication.Failed, reason);
}

/// <summary>What verifies an assertion whose claims passed: the app's own keys, or a federated credential's issuer; and its jti, when single-use.</summary>
/// <param name="Federated">The federated credential it matched; null: a <c>private_key_jwt</c> assertion of the app's own keys.</param>
/// <param name="Jti">Its <c>jti</c> when it is accepted once only; null when it may be reused.</param>
/// <param name="RememberUntil">Until when its <c>jti</c> is remembered: past it, the assertion is refused as expired anyway.</param>
public sealed record AssertionTrust(FederatedCredential? Federated, string? Jti, DateTimeOffset RememberUntil)
{
    public const string PrivateKeyJwtKind = "private_key_jwt";
    public const string FederatedKind = "federated";

    /// <summary>The kind, as metrics and audit reasons name it.</summary>
    public string Kind => Federated is null ? PrivateKeyJwtKind : FederatedKind;
}
