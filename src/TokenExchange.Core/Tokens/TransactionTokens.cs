using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;

namespace TokenExchange.Tokens;

/// <summary>
/// The cluster as its trust domain's Transaction Token Service (draft-ietf-oauth-transaction-tokens-10): mints
/// transaction tokens, JWTs of <c>typ</c> <c>txntoken+jwt</c> signed with the cluster's current key, and verifies the
/// ones presented for replacement against all of its published keys. Claims: <c>iss</c> (the cluster), <c>iat</c>,
/// <c>exp</c>, <c>aud</c> (the trust domain), <c>txn</c>, <c>sub</c> (the user), <c>scope</c>, <c>req_wl</c> (the
/// requesting app's client id), <c>tctx</c> (the request's details) and <c>rctx</c> (<c>req_ip</c>, <c>authn</c>, the
/// request's context and, on a replacement, <c>req_wl_chain</c>: the workloads that requested the earlier tokens).
/// </summary>
/// <param name="trustDomain">The trust domain (each token's <c>aud</c>); null: the cluster's issuer.</param>
public sealed class TransactionTokens(ISigningKeySource keys, ClusterIssuer issuer, TimeProvider time, string? trustDomain = null)
{
    public const string JwtType = Exchange.Rules.DisguisedTransactionTokens.JwtType;

    /// <summary>The <c>rctx</c> member that keeps the call chain across replacements (the draft leaves the mechanism to the TTS).</summary>
    public const string CallChainMember = "req_wl_chain";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    /// <summary>The trust domain every transaction token is issued for and accepted in.</summary>
    public string TrustDomain => trustDomain ?? issuer.Value;

    /// <summary>A new transaction token for <paramref name="userId"/>, with a new <c>txn</c>.</summary>
    /// <param name="subjectExpires">The subject token's expiry: the token does not outlive it unless the app's policy says so.</param>
    /// <param name="authentication">How the subject authenticated (<c>rctx.authn</c>), where the subject token says.</param>
    public (IssuedTokens Tokens, string TransactionId) Issue(AuthorizedExchange exchange, string userId, DateTimeOffset? subjectExpires, string? authentication)
    {
        var request = exchange.Transaction!;
        var now = time.GetUtcNow();
        var expires = now + exchange.App.TransactionTokens.Lifetime;
        if (!exchange.App.AccessToken.MayOutliveSubjectToken && subjectExpires is { } cap && cap < expires) expires = cap;
        var context = request.Context is { } given ? (JsonObject)JsonNode.Parse(given)! : [];
        // The cluster is authoritative for rctx (the draft's "Txn-Token Request Processing"): what it observed replaces
        // any member of the same name the requester sent.
        context.Remove("req_ip");
        context.Remove("authn");
        context.Remove(CallChainMember);
        if (request.RequesterAddress is { } address) context["req_ip"] = address;
        if (authentication is not null) context["authn"] = authentication;
        var transactionId = Guid.NewGuid().ToString();
        return (Mint(exchange, transactionId, userId, request.Details, context, now, expires), transactionId);
    }

    /// <summary>
    /// The replacement of a verified token: same <c>txn</c>, <c>sub</c>, <c>aud</c> and <c>tctx</c>; the scope asked
    /// for (checked no wider); this app as <c>req_wl</c> and the earlier requesters in <c>rctx.req_wl_chain</c>; no
    /// later expiry than the token replaced.
    /// </summary>
    public IssuedTokens Replace(AuthorizedExchange exchange, PresentedTransactionToken presented)
    {
        var now = time.GetUtcNow();
        var expires = now + exchange.App.TransactionTokens.Lifetime;
        if (presented.ExpiresAt < expires) expires = presented.ExpiresAt;
        var context = presented.RequestContext is { } given ? (JsonObject)JsonNode.Parse(given)! : [];
        context[CallChainMember] = new JsonArray([.. presented.CallChain.Select(w => (JsonNode)w)]);
        return Mint(exchange, presented.TransactionId, presented.Subject, presented.TransactionContext, context, now, expires);
    }

    private IssuedTokens Mint(AuthorizedExchange exchange, string transactionId, string subject, string? details, JsonObject context, DateTimeOffset now, DateTimeOffset expires)
    {
        var scope = string.Join(' ', exchange.Scopes);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Aud] = TrustDomain,
            ["txn"] = transactionId,
            [JwtRegisteredClaimNames.Sub] = subject,
            ["scope"] = scope,
            ["req_wl"] = exchange.App.ClientId,
        };
        if (details is not null) claims["tctx"] = JsonObjects.ToDictionary(details);
        if (context.Count > 0) claims["rctx"] = JsonObjects.ToDictionary(context.ToJsonString());
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Value,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = JwtType,
            SigningCredentials = keys.Ring.Current.Credentials,
            Claims = claims,
        });
        return new IssuedTokens
        {
            AccessToken = token,
            IssuedTokenType = TokenTypes.TxnToken,
            // The draft's "Txn-Token Response": token_type N_A (it is no access token) and never a refresh token.
            TokenType = "N_A",
            ExpiresIn = (long)Math.Max(0, Math.Floor((expires - now).TotalSeconds)),
            Scope = scope,
        };
    }

    /// <summary>
    /// A presented transaction token, verified as the draft's "Txn-Token Validation" asks and more: signed by one of
    /// the cluster's keys with an allowed algorithm, <c>typ</c> <c>txntoken+jwt</c>, issued by this cluster, for this
    /// trust domain, not expired (after the signature, so an expiry is no oracle for a forgery), and carrying the
    /// claims a replacement keeps. Refused with invalid_request, as any invalid subject token (RFC 8693 section 2.2.2).
    /// </summary>
    public async Task<(PresentedTransactionToken? Token, OAuthError? Error)> VerifyAsync(string token)
    {
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Value,
            ValidAudience = TrustDomain,
            IssuerSigningKeys = keys.Ring.Keys.Select(k => (SecurityKey)k.SecurityKey),
            ValidAlgorithms = SigningKey.Algorithms,
            ValidTypes = [JwtType],
            RequireSignedTokens = true,
            // Checked below, against the injected clock and without skew: one cluster's silos issue and verify.
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return (null, Errors.InvalidRequest("subject_token is not a valid transaction token of this trust domain", result.Exception?.GetType().Name ?? "invalid"));
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp) || DateTimeOffset.FromUnixTimeSeconds(exp) <= time.GetUtcNow())
            return (null, Errors.InvalidRequest("the transaction token has expired", "expired transaction token"));
        if (Text(jwt, "txn") is not { } transactionId || Text(jwt, JwtRegisteredClaimNames.Sub) is not { } subject
            || Text(jwt, "scope") is not { } scope || Text(jwt, "req_wl") is not { } requester)
            return (null, Errors.InvalidRequest("subject_token is not a valid transaction token of this trust domain", "txn, sub, scope or req_wl missing"));
        var requestContext = JsonObjectText(jwt, "rctx");
        return (new PresentedTransactionToken
        {
            TransactionId = transactionId,
            Subject = subject,
            Scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            CallChain = [.. EarlierRequesters(requestContext), requester],
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(exp),
            TransactionContext = JsonObjectText(jwt, "tctx"),
            RequestContext = requestContext,
        }, null);
    }

    private static string? Text(JsonWebToken jwt, string claim) =>
        jwt.TryGetPayloadValue<string>(claim, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static string? JsonObjectText(JsonWebToken jwt, string claim) =>
        jwt.TryGetPayloadValue<JsonElement>(claim, out var value) && value.ValueKind == JsonValueKind.Object ? value.GetRawText() : null;

    /// <summary>The <c>rctx.req_wl_chain</c> strings of a token this cluster signed.</summary>
    private static IEnumerable<string> EarlierRequesters(string? requestContext)
    {
        if (requestContext is null || JsonNode.Parse(requestContext)![CallChainMember] is not JsonArray chain) return [];
        return chain.Select(w => w?.GetValueKind() == JsonValueKind.String ? w.GetValue<string>() : null).OfType<string>();
    }
}
