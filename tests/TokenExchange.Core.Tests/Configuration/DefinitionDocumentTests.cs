using System.Text.Json;
using TokenExchange.Configuration;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>
/// <see cref="DefinitionDocument"/> writes every field of a definition in the file's shape, and the loader reads it
/// back into the same definition, for every kind of app and handler; with secrets masked as the admin API shows
/// them, <see cref="StoredDefinitions"/> keeps the stored ones.
/// </summary>
public sealed class DefinitionDocumentTests
{
    private const string Every = """
        apps:
          - { clientId: secrets, label: " L ", kind: external_client_app, clientSecret: secret-0123456789abcdef, tokenEndpointAuthMethod: client_secret_post,
              tokenExchange: { enabled: true, requireSecret: false }, allowedScopes: [a, a, "b,c"], allowedAudiences: [https://x.example],
              accessToken: { format: opaque, lifetime: "00:00:01.5000000", mayOutliveSubjectToken: true }, refreshTokens: { enabled: true, lifetime: "3.00:00:00" },
              rateLimits: { requestsPerSecond: 7, invalidTokensPerMinute: 3 } }
          - { clientId: dn, tokenEndpointAuthMethod: tls_client_auth, tlsClientAuth: { subjectDn: "CN=a,O=b" }, rateLimits: { requestsPerSecond: 1, burst: 9 } }
          - { clientId: san, tokenEndpointAuthMethod: tls_client_auth, tlsClientAuth: { sanDns: a.internal }, transactionTokens: { issue: true, replace: true, lifetime: "00:00:45" } }
          - { clientId: self, tokenEndpointAuthMethod: self_signed_tls_client_auth, tlsClientAuth: { certificateThumbprints: [AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8] } }
          - { clientId: keys, tokenEndpointAuthMethod: private_key_jwt,
              jwks: { keys: [ { kty: EC, crv: P-256, kid: k1, x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" } ] } }
          - { clientId: federated, tokenEndpointAuthMethod: private_key_jwt, jwksUri: https://keys.example/jwks,
              federatedCredentials: [ { issuer: https://k8s.example, subject: "system:serviceaccount:a:b", audience: tx, oneTimeUse: true },
                                      { issuer: https://spire.example, subject: "spiffe://example.org/w", jwksUri: https://spire.example/keys } ] }
        handlers:
          - { name: uri, label: L, description: D, enabled: false, acceptedTokenTypes: [jwt, id_token], issuer: https://i.example,
              jwks: { uri: https://i.example/jwks, refreshCooldown: "00:00:09" }, audiences: [tx], algorithms: [PS512], clockSkew: "00:02:00",
              maxTokenLifetime: "00:10:00", authorizedParties: [p], timeout: "00:00:00.2500000", userMapping: { claim: email, attribute: email },
              validationCache: { maxAge: "00:01:30", maxEntries: 7 },
              apps: [ { clientId: secrets, default: true, allowUserCreation: true, runAs: someone } ] }
          - { name: inline, acceptedTokenTypes: [jwt], issuer: https://i.example, audiences: [tx],
              jwks: { keys: [ { kty: EC, crv: P-256, kid: k1, x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", x5c: [ abc, def ] } ] } }
          - { name: dev, devIssuer: true, acceptedTokenTypes: [jwt], audiences: [tx], userMapping: { attribute: username }, validationCache: { maxEntries: 0 } }
          - { name: intro, implementation: introspection, acceptedTokenTypes: [access_token],
              introspection: { endpoint: https://i.example/introspect, clientId: tx, clientSecret: s3cret, issuer: https://i.example,
                               negativeCacheFor: "00:00:01", maxCacheFor: "00:00:30", maxCacheEntries: 5 } }
          - { name: userinfo, implementation: introspection, acceptedTokenTypes: [access_token], introspection: { endpoint: https://i.example/userinfo, userinfo: true } }
          - { name: plugin, implementation: "A.B, C", acceptedTokenTypes: [access_token], settings: { key: v, other: "" } }
        """;

    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance).WithQuotingNecessaryStrings().Build();

    [Fact]
    public void Every_app_and_handler_written_as_a_document_reads_back_the_same()
    {
        var loaded = ConfigLoader.Parse(Every);
        var written = Yaml.Serialize(new { apps = loaded.Apps.Select(DefinitionDocument.ToModel), handlers = loaded.Handlers.Select(DefinitionDocument.ToModel) });

        var read = ConfigLoader.ParseDocument(written);

        // Hints are known only of plaintext secrets: written as hashes, the hint of each is kept by the stored app (below).
        Assert.Equal(Json(loaded.Apps.Select(a => a with { SecretHints = [.. a.SecretHints.Select(_ => "")] })), Json(read.Apps));
        Assert.Equal(Json(loaded.Handlers), Json(read.Handlers));
    }

    [Fact]
    public void Masked_secrets_keep_the_stored_ones()
    {
        var loaded = ConfigLoader.Parse(Every);
        var stored = new StoredDefinitions(loaded.Apps, loaded.Handlers);
        var apps = loaded.Apps.Select(DefinitionDocument.ToModel).Select(m => { m.Secrets = m.ClientSecretHashes.Count; m.ClientSecretHashes = []; return m; });
        var handlers = loaded.Handlers.Select(DefinitionDocument.ToModel).Select(m =>
        {
            if (m.Jwks?.Keys is not null) { m.Jwks = null; m.InlineKeys = true; }
            if (m.Introspection is { ClientSecret: not null } i) i.ClientSecret = StoredDefinitions.Masked;
            m.Settings = m.Settings.ToDictionary(s => s.Key, _ => StoredDefinitions.Masked);
            return m;
        });
        var written = Yaml.Serialize(new { apps, handlers });
        Assert.DoesNotContain("s3cret", written, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256:", written, StringComparison.Ordinal);

        var read = ConfigLoader.ParseDocument(written, stored);

        Assert.Equal(Json(loaded.Apps), Json(read.Apps));
        Assert.Equal(Json(loaded.Handlers), Json(read.Handlers));
        var nothingStored = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(written));
        Assert.Contains(nothingStored.Problems, p => p.Contains("apps[0].secrets: 1 keeps the stored secrets", StringComparison.Ordinal));
        Assert.Contains(nothingStored.Problems, p => p.Contains("handlers[1].inlineKeys: true", StringComparison.Ordinal));
        Assert.Contains(nothingStored.Problems, p => p.Contains("handlers[3].introspection.clientSecret is masked", StringComparison.Ordinal));
        Assert.Contains(nothingStored.Problems, p => p.Contains("handlers[5].settings.key is masked", StringComparison.Ordinal));
    }

    private static string Json<T>(IEnumerable<T> definitions) => JsonSerializer.Serialize(definitions.ToList());
}
