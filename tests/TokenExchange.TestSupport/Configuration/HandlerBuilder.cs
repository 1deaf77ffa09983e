using System.Text.Json;

namespace TokenExchange.Testing;

/// <summary>One handler of a <see cref="TestConfig"/>: what <c>handlers:</c> holds for a name.</summary>
public sealed class HandlerBuilder
{
    private readonly Node node = new();
    private readonly List<Node> enablements = [];
    private readonly Node settings = new();

    internal HandlerBuilder(string name) => node.Set("name", name);

    internal Node Node => node
        .Set("settings", settings.IsEmpty ? null : settings)
        .Set("apps", enablements.Count == 0 ? null : enablements);

    public HandlerBuilder Label(string label) => Set("label", label);

    public HandlerBuilder Description(string description) => Set("description", description);

    /// <summary><c>enabled: false</c>: defined, but refused for every app.</summary>
    public HandlerBuilder Disabled() => Set("enabled", false);

    /// <summary><c>acceptedTokenTypes</c>, short names: <c>access_token</c>, <c>jwt</c>, <c>id_token</c>.</summary>
    public HandlerBuilder Accepts(params string[] tokenTypes) => Set("acceptedTokenTypes", tokenTypes);

    public HandlerBuilder Issuer(string issuer) => Set("issuer", issuer);

    /// <summary><c>jwks: { uri, refreshCooldown }</c>: the IdP's keys fetched from a URL.</summary>
    public HandlerBuilder Jwks(Uri uri, string? refreshCooldown = null) => Jwks(uri.ToString(), refreshCooldown);

    /// <inheritdoc cref="Jwks(Uri, string?)"/>
    public HandlerBuilder Jwks(string uri, string? refreshCooldown = null) =>
        Set("jwks", new Node().Set("uri", uri).Set("refreshCooldown", refreshCooldown));

    /// <summary><c>jwks: { keys: [...] }</c>: the IdP's keys inline, from a JWKS document (e.g. <see cref="TestIdp.Jwks"/>).</summary>
    public HandlerBuilder InlineJwks(string jwksJson)
    {
        using var document = JsonDocument.Parse(jwksJson);
        return Set("jwks", new Node().Set("keys", Plain(document.RootElement.GetProperty("keys"))));
    }

    public HandlerBuilder Audiences(params string[] audiences) => Set("audiences", audiences);

    public HandlerBuilder Algorithms(params string[] algorithms) => Set("algorithms", algorithms);

    /// <summary>The trust most tests give a <see cref="TestIdp"/>: jwt subject tokens from its issuer, keys from its JWKS, audience token-exchange, ES256.</summary>
    public HandlerBuilder TrustsTestIdp(string issuer, Uri jwksUri) =>
        Accepts("jwt").Issuer(issuer).Jwks(jwksUri).Audiences("token-exchange").Algorithms("ES256");

    public HandlerBuilder ClockSkew(string clockSkew) => Set("clockSkew", clockSkew);

    public HandlerBuilder MaxTokenLifetime(string maxTokenLifetime) => Set("maxTokenLifetime", maxTokenLifetime);

    public HandlerBuilder AuthorizedParties(params string[] parties) => Set("authorizedParties", parties);

    /// <summary>A jwt handler's verified-token cache (<c>validationCache: { maxAge, maxEntries }</c>; maxEntries 0: off).</summary>
    public HandlerBuilder ValidationCache(string? maxAge = null, int? maxEntries = null) =>
        Set("validationCache", new Node().Set("maxAge", maxAge).Set("maxEntries", maxEntries));

    /// <summary>The time budget of each call into the implementation (<c>timeout</c>).</summary>
    public HandlerBuilder Timeout(string timeout) => Set("timeout", timeout);

    /// <summary><c>userMapping: { claim, attribute, linkExisting }</c>; what is not named stays the loader's default.</summary>
    public HandlerBuilder UserMapping(string? claim = null, string? attribute = null, bool? linkExisting = null) =>
        Set("userMapping", new Node().Set("claim", claim).Set("attribute", attribute).Set("linkExisting", linkExisting));

    public HandlerBuilder VerifiedClaims(params string[] claims) => Set("verifiedClaims", claims);

    /// <summary><c>userAttributes</c>: which claim gives a created user which attribute.</summary>
    public HandlerBuilder UserAttributes(string? username = null, string? email = null, string? federationId = null, string? displayName = null) =>
        Set("userAttributes", new Node().Set("username", username).Set("email", email).Set("federationId", federationId).Set("displayName", displayName));

    /// <summary>One setting passed to a plugin implementation as it is (<c>settings</c>).</summary>
    public HandlerBuilder Setting(string key, string value)
    {
        settings.Set(key, value);
        return this;
    }

    /// <summary>The IdP's endpoint of an introspection handler, and how its answers are cached (<c>introspection</c>).</summary>
    public HandlerBuilder Introspection(
        string endpoint,
        string? clientId = null,
        string? clientSecret = null,
        bool? userinfo = null,
        string? issuer = null,
        string? negativeCacheFor = null,
        string? maxCacheFor = null,
        int? maxCacheEntries = null) =>
        Set("introspection", new Node()
            .Set("endpoint", endpoint)
            .Set("clientId", clientId)
            .Set("clientSecret", clientSecret)
            .Set("userinfo", userinfo)
            .Set("issuer", issuer)
            .Set("negativeCacheFor", negativeCacheFor)
            .Set("maxCacheFor", maxCacheFor)
            .Set("maxCacheEntries", maxCacheEntries));

    /// <summary>Development only: the IdP's endpoints may be plain http:// to a host that is not loopback.</summary>
    public HandlerBuilder AllowInsecureHttp(bool allow = true) => Set("allowInsecureHttp", allow);

    /// <summary>
    /// Enables the handler for an app (one entry of the handler's <c>apps:</c>): as that app's default handler,
    /// allowed to create users, or running as a fixed user.
    /// </summary>
    public HandlerBuilder Enable(string clientId, bool isDefault = false, bool allowUserCreation = false, string? runAs = null)
    {
        enablements.Add(new Node()
            .Set("clientId", clientId)
            .Set("default", isDefault ? true : null)
            .Set("allowUserCreation", allowUserCreation ? true : null)
            .Set("runAs", runAs));
        return this;
    }

    internal HandlerBuilder Set(string key, object? value)
    {
        node.Set(key, value);
        return this;
    }

    /// <summary>A JSON value as plain lists, maps and scalars, which the YAML serializer writes as they are.</summary>
    internal static object Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new Node(), (map, p) => map.Set(p.Name, Plain(p.Value))),
        JsonValueKind.Array => element.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => element.GetRawText(),
        _ => element.GetString() ?? "",
    };
}
