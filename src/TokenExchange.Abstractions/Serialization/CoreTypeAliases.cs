using Orleans.Serialization.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

[assembly: TypeManifestProvider(typeof(TokenExchange.Abstractions.Serialization.CoreTypeAliases))]

namespace TokenExchange.Abstractions.Serialization;

/// <summary>
/// The aliases Core's records had as [Alias] attributes, so a type name on the wire or in stored state stays
/// <c>tx.X</c> (docs/architecture.md, section 3, "Serialization").
/// </summary>
public sealed class CoreTypeAliases : TypeManifestProviderBase
{
    protected override void ConfigureInner(TypeManifestOptions options)
    {
        options.WellKnownTypeAliases["tx.AccessTokenPolicy"] = typeof(AccessTokenPolicy);
        options.WellKnownTypeAliases["tx.AppDefinition"] = typeof(AppDefinition);
        options.WellKnownTypeAliases["tx.RefreshTokenPolicy"] = typeof(RefreshTokenPolicy);
        options.WellKnownTypeAliases["tx.IntrospectionPolicy"] = typeof(IntrospectionPolicy);
        options.WellKnownTypeAliases["tx.TransactionTokenPolicy"] = typeof(TransactionTokenPolicy);
        options.WellKnownTypeAliases["tx.ClientAssertionPolicy"] = typeof(ClientAssertionPolicy);
        options.WellKnownTypeAliases["tx.FederatedCredential"] = typeof(FederatedCredential);
        options.WellKnownTypeAliases["tx.ExternalIdentity"] = typeof(ExternalIdentity);
        options.WellKnownTypeAliases["tx.HandlerAppEnablement"] = typeof(HandlerAppEnablement);
        options.WellKnownTypeAliases["tx.HandlerDefinition"] = typeof(HandlerDefinition);
        options.WellKnownTypeAliases["tx.IntrospectionTrust"] = typeof(IntrospectionTrust);
        options.WellKnownTypeAliases["tx.JwtTrust"] = typeof(JwtTrust);
        options.WellKnownTypeAliases["tx.RateLimitPolicy"] = typeof(RateLimitPolicy);
        options.WellKnownTypeAliases["tx.TlsClientAuthPolicy"] = typeof(TlsClientAuthPolicy);
        options.WellKnownTypeAliases["tx.UserMappingRule"] = typeof(UserMappingRule);
        options.WellKnownTypeAliases["tx.UserAttributeClaims"] = typeof(UserAttributeClaims);
        options.WellKnownTypeAliases["tx.UserAttribute"] = typeof(UserField); // Core's UserAttribute merged into the SDK's UserField (same values); the alias keeps the wire name
        options.WellKnownTypeAliases["tx.UserRecord"] = typeof(UserRecord);
        options.WellKnownTypeAliases["tx.AuthorizedExchange"] = typeof(AuthorizedExchange);
        options.WellKnownTypeAliases["tx.ClientCertificate"] = typeof(ClientCertificate);
        options.WellKnownTypeAliases["tx.ExchangeOutcome"] = typeof(ExchangeOutcome);
        options.WellKnownTypeAliases["tx.ExchangeRequest"] = typeof(ExchangeRequest);
        options.WellKnownTypeAliases["tx.IssuedTokens"] = typeof(IssuedTokens);
        options.WellKnownTypeAliases["tx.OAuthError"] = typeof(OAuthError);
        options.WellKnownTypeAliases["tx.RefreshRequest"] = typeof(RefreshRequest);
        options.WellKnownTypeAliases["tx.OpaqueAccessToken"] = typeof(OpaqueAccessToken);
        options.WellKnownTypeAliases["tx.SigningKeyEntry"] = typeof(SigningKeyEntry);
        options.WellKnownTypeAliases["tx.SubjectUserRequest"] = typeof(SubjectUserRequest);
        options.WellKnownTypeAliases["tx.ValidatedSubject"] = typeof(ValidatedSubject);
        options.WellKnownTypeAliases["tx.UserResolution"] = typeof(UserResolution);
        options.WellKnownTypeAliases["tx.RefreshGrant"] = typeof(RefreshGrant);
        options.WellKnownTypeAliases["tx.RefreshResult"] = typeof(RefreshResult);
    }
}
