using System.Text.Json.Serialization;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Server.Tls;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Http;

/// <summary>The discovery document and JWKS that downstream services validate issued tokens with.</summary>
public static class DiscoveryEndpoints
{
    public const string JwksPath = "/oauth2/jwks";

    public static void MapDiscoveryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/.well-known/openid-configuration", (ClusterIssuer issuer, TransportSecurity transport) => Results.Json(new Discovery(
            issuer.Value,
            issuer.Value + TokenEndpoint.Path,
            issuer.Value + JwksPath,
            issuer.Value + TokenManagementEndpoints.IntrospectionPath,
            issuer.Value + TokenManagementEndpoints.RevocationPath,
            [GrantTypes.TokenExchange, "refresh_token"],
            transport.ClientCertificates ? ClientAuthMethods.All : [ClientAuthMethods.ClientSecretBasic, ClientAuthMethods.ClientSecretPost, ClientAuthMethods.PrivateKeyJwt],
            SigningKey.Algorithms,
            ["public"],
            ["token"])
        {
            // RFC 8705 section 3.3: access tokens of apps that authenticate by certificate are bound to it.
            CertificateBoundAccessTokens = transport.ClientCertificates ? true : null,
            DpopSigningAlgorithms = TokenExchange.Proofs.DpopProofValidator.Algorithms,
            // RFC 8414 section 2: the algorithms a private_key_jwt assertion may be signed with (asymmetric only).
            AuthSigningAlgorithms = TokenExchange.Proofs.DpopProofValidator.Algorithms,
        }));
        routes.MapGet(JwksPath, (HttpContext http, ISigningKeySource keys) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text(keys.Ring.Jwks, "application/json");
        });
    }

    private sealed record Discovery(
        [property: JsonPropertyName("issuer")] string Issuer,
        [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
        [property: JsonPropertyName("jwks_uri")] string JwksUri,
        [property: JsonPropertyName("introspection_endpoint")] string IntrospectionEndpoint,
        [property: JsonPropertyName("revocation_endpoint")] string RevocationEndpoint,
        [property: JsonPropertyName("grant_types_supported")] string[] GrantTypes,
        [property: JsonPropertyName("token_endpoint_auth_methods_supported")] string[] AuthMethods,
        [property: JsonPropertyName("id_token_signing_alg_values_supported")] string[] SigningAlgorithms,
        [property: JsonPropertyName("subject_types_supported")] string[] SubjectTypes,
        [property: JsonPropertyName("response_types_supported")] string[] ResponseTypes)
    {
        [JsonPropertyName("tls_client_certificate_bound_access_tokens")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? CertificateBoundAccessTokens { get; init; }

        /// <summary>RFC 9449 section 5.1: the algorithms a DPoP proof may be signed with.</summary>
        [JsonPropertyName("dpop_signing_alg_values_supported")]
        public string[] DpopSigningAlgorithms { get; init; } = [];

        [JsonPropertyName("token_endpoint_auth_signing_alg_values_supported")]
        public string[] AuthSigningAlgorithms { get; init; } = [];
    }
}
