using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;
using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Abstractions.Serialization;

/// <summary>
/// The wire and storage shape of <see cref="AccessTokenPolicy"/> (alias tx.AccessTokenPolicy): the field ids it had as an
/// Orleans-generated record, then <c>RequireDpop</c> and <c>RequireDpopNonce</c>, each written only when set (a default member is
/// omitted), so a policy without them writes the bytes it always did and state written before reads as requiring neither.
/// </summary>
[GenerateSerializer]
[OmitDefaultMemberValues]
public struct AccessTokenPolicySurrogate
{
    [Id(0)] public string Format;
    [Id(1)] public TimeSpan Lifetime;
    [Id(2)] public bool MayOutliveSubjectToken;
    [Id(3)] public bool RequireDpop;
    [Id(4)] public bool RequireDpopNonce;
}

public sealed class AccessTokenPolicyConverter : IConverter<AccessTokenPolicy, AccessTokenPolicySurrogate>
{
    public AccessTokenPolicy ConvertFromSurrogate(in AccessTokenPolicySurrogate s) => new() { Format = s.Format, Lifetime = s.Lifetime, MayOutliveSubjectToken = s.MayOutliveSubjectToken, RequireDpop = s.RequireDpop, RequireDpopNonce = s.RequireDpopNonce };
    public AccessTokenPolicySurrogate ConvertToSurrogate(in AccessTokenPolicy value) => new() { Format = value.Format, Lifetime = value.Lifetime, MayOutliveSubjectToken = value.MayOutliveSubjectToken, RequireDpop = value.RequireDpop, RequireDpopNonce = value.RequireDpopNonce };
}

[RegisterSerializer]
public sealed class AccessTokenPolicyCodec(IValueSerializer<AccessTokenPolicySurrogate> surrogates) : RecordSurrogateCodec<AccessTokenPolicy, AccessTokenPolicySurrogate, AccessTokenPolicyConverter>(surrogates);

/// <summary><see cref="AccessTokenPolicy"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class AccessTokenPolicyCopier : ShallowCopier<AccessTokenPolicy>;

/// <summary>The wire and storage shape of <see cref="AppDefinition"/> (alias tx.AppDefinition): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct AppDefinitionSurrogate
{
    [Id(0)] public string ClientId;
    [Id(1)] public string[] SecretHashes;
    [Id(2)] public bool TokenExchangeEnabled;
    [Id(3)] public bool RequireSecret;
    [Id(4)] public string[] AllowedScopes;
    [Id(5)] public string[] AllowedAudiences;
    [Id(6)] public AccessTokenPolicy AccessToken;
    [Id(7)] public string Kind;
    [Id(8)] public string? Label;
    [Id(9)] public RefreshTokenPolicy RefreshTokens;
    [Id(10)] public string TokenEndpointAuthMethod;
    [Id(11)] public TlsClientAuthPolicy? TlsClientAuth;
    [Id(12)] public RateLimitPolicy RateLimits;
    [Id(13)] public string[] SecretHints;
    [Id(14)] public IntrospectionPolicy Introspection;
    // Added after the golden bytes, and written only when not the default (TransactionTokenPolicyCodec): state and
    // messages without it keep their bytes, and read as the default policy (nothing allowed). Its id stays the
    // highest: a field that is sometimes absent must be the last one, or the next field's delta would name it.
    [Id(100)] public TransactionTokenPolicy? TransactionTokens;
    // Added after transaction tokens, written only when set (ClientAssertionPolicyCodec), last for the same reason. The
    // generated codec writes each field's id as a fixed delta from the one before: so that 101's delta counts from 100,
    // an app with client assertions always writes TransactionTokens too (AppDefinitionConverter).
    [Id(101)] public ClientAssertionPolicy? ClientAssertions;
}

public sealed class AppDefinitionConverter : IConverter<AppDefinition, AppDefinitionSurrogate>
{
    /// <summary>The default policy is written as no field at all, so an app without transaction tokens keeps the bytes it had.</summary>
    private static readonly TransactionTokenPolicy NoTransactionTokens = new();

    public AppDefinition ConvertFromSurrogate(in AppDefinitionSurrogate s) => new() { ClientId = s.ClientId, SecretHashes = s.SecretHashes, TokenExchangeEnabled = s.TokenExchangeEnabled, RequireSecret = s.RequireSecret, AllowedScopes = s.AllowedScopes, AllowedAudiences = s.AllowedAudiences, AccessToken = s.AccessToken, Kind = s.Kind, Label = s.Label, RefreshTokens = s.RefreshTokens, TokenEndpointAuthMethod = s.TokenEndpointAuthMethod, TlsClientAuth = s.TlsClientAuth, RateLimits = s.RateLimits, SecretHints = s.SecretHints, Introspection = s.Introspection, TransactionTokens = s.TransactionTokens ?? new(), ClientAssertions = s.ClientAssertions };
    public AppDefinitionSurrogate ConvertToSurrogate(in AppDefinition value) => new() { ClientId = value.ClientId, SecretHashes = value.SecretHashes, TokenExchangeEnabled = value.TokenExchangeEnabled, RequireSecret = value.RequireSecret, AllowedScopes = value.AllowedScopes, AllowedAudiences = value.AllowedAudiences, AccessToken = value.AccessToken, Kind = value.Kind, Label = value.Label, RefreshTokens = value.RefreshTokens, TokenEndpointAuthMethod = value.TokenEndpointAuthMethod, TlsClientAuth = value.TlsClientAuth, RateLimits = value.RateLimits, SecretHints = value.SecretHints, Introspection = value.Introspection, TransactionTokens = value.TransactionTokens == NoTransactionTokens && value.ClientAssertions is null ? null : value.TransactionTokens, ClientAssertions = value.ClientAssertions };
}

[RegisterSerializer]
public sealed class AppDefinitionCodec(IValueSerializer<AppDefinitionSurrogate> surrogates) : RecordSurrogateCodec<AppDefinition, AppDefinitionSurrogate, AppDefinitionConverter>(surrogates);

/// <summary><see cref="AppDefinition"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class AppDefinitionCopier : ShallowCopier<AppDefinition>;

/// <summary>The wire and storage shape of <see cref="RefreshTokenPolicy"/> (alias tx.RefreshTokenPolicy): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct RefreshTokenPolicySurrogate
{
    [Id(0)] public bool Enabled;
    [Id(1)] public TimeSpan Lifetime;
    [Id(2)] public TimeSpan AbsoluteLifetime;
}

public sealed class RefreshTokenPolicyConverter : IConverter<RefreshTokenPolicy, RefreshTokenPolicySurrogate>
{
    public RefreshTokenPolicy ConvertFromSurrogate(in RefreshTokenPolicySurrogate s) => new() { Enabled = s.Enabled, Lifetime = s.Lifetime, AbsoluteLifetime = s.AbsoluteLifetime };
    public RefreshTokenPolicySurrogate ConvertToSurrogate(in RefreshTokenPolicy value) => new() { Enabled = value.Enabled, Lifetime = value.Lifetime, AbsoluteLifetime = value.AbsoluteLifetime };
}

[RegisterSerializer]
public sealed class RefreshTokenPolicyCodec(IValueSerializer<RefreshTokenPolicySurrogate> surrogates) : RecordSurrogateCodec<RefreshTokenPolicy, RefreshTokenPolicySurrogate, RefreshTokenPolicyConverter>(surrogates);

/// <summary><see cref="RefreshTokenPolicy"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class RefreshTokenPolicyCopier : ShallowCopier<RefreshTokenPolicy>;

/// <summary>The wire and storage shape of <see cref="IntrospectionPolicy"/> (alias tx.IntrospectionPolicy): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct IntrospectionPolicySurrogate
{
    [Id(0)] public string[] Audiences;
}

public sealed class IntrospectionPolicyConverter : IConverter<IntrospectionPolicy, IntrospectionPolicySurrogate>
{
    public IntrospectionPolicy ConvertFromSurrogate(in IntrospectionPolicySurrogate s) => new() { Audiences = s.Audiences };
    public IntrospectionPolicySurrogate ConvertToSurrogate(in IntrospectionPolicy value) => new() { Audiences = value.Audiences };
}

[RegisterSerializer]
public sealed class IntrospectionPolicyCodec(IValueSerializer<IntrospectionPolicySurrogate> surrogates) : RecordSurrogateCodec<IntrospectionPolicy, IntrospectionPolicySurrogate, IntrospectionPolicyConverter>(surrogates);

/// <summary><see cref="IntrospectionPolicy"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class IntrospectionPolicyCopier : ShallowCopier<IntrospectionPolicy>;

/// <summary>The wire and storage shape of <see cref="TransactionTokenPolicy"/> (alias tx.TransactionTokenPolicy), new with transaction tokens.</summary>
[GenerateSerializer]
public struct TransactionTokenPolicySurrogate
{
    [Id(0)] public bool Issue;
    [Id(1)] public bool Replace;
    [Id(2)] public TimeSpan Lifetime;
}

public sealed class TransactionTokenPolicyConverter : IConverter<TransactionTokenPolicy, TransactionTokenPolicySurrogate>
{
    public TransactionTokenPolicy ConvertFromSurrogate(in TransactionTokenPolicySurrogate s) => new() { Issue = s.Issue, Replace = s.Replace, Lifetime = s.Lifetime };
    public TransactionTokenPolicySurrogate ConvertToSurrogate(in TransactionTokenPolicy value) => new() { Issue = value.Issue, Replace = value.Replace, Lifetime = value.Lifetime };
}

/// <summary>
/// As the other records, except that a null policy (the default, <see cref="AppDefinitionConverter"/>) writes no
/// field at all, so an app's bytes are those it had before transaction tokens existed.
/// </summary>
[RegisterSerializer]
public sealed class TransactionTokenPolicyCodec(IValueSerializer<TransactionTokenPolicySurrogate> surrogates) : OmittedWhenNullCodec<TransactionTokenPolicy, TransactionTokenPolicySurrogate, TransactionTokenPolicyConverter>(surrogates);

/// <summary><see cref="TransactionTokenPolicy"/> is immutable: a local grain call passes the instance itself.</summary>
[RegisterCopier]
public sealed class TransactionTokenPolicyCopier : ShallowCopier<TransactionTokenPolicy>;

/// <summary>The wire and storage shape of <see cref="ClientAssertionPolicy"/> (alias tx.ClientAssertionPolicy), new with client assertions.</summary>
[GenerateSerializer]
public struct ClientAssertionPolicySurrogate
{
    [Id(0)] public string? Jwks;
    [Id(1)] public string? JwksUri;
    [Id(2)] public FederatedCredential[] FederatedCredentials;
}

public sealed class ClientAssertionPolicyConverter : IConverter<ClientAssertionPolicy, ClientAssertionPolicySurrogate>
{
    public ClientAssertionPolicy ConvertFromSurrogate(in ClientAssertionPolicySurrogate s) => new() { Jwks = s.Jwks, JwksUri = s.JwksUri, FederatedCredentials = s.FederatedCredentials ?? [] };
    public ClientAssertionPolicySurrogate ConvertToSurrogate(in ClientAssertionPolicy value) => new() { Jwks = value.Jwks, JwksUri = value.JwksUri, FederatedCredentials = value.FederatedCredentials };
}

/// <summary>As the other records, except that a null policy (an app without client assertions) writes no field at all, so its bytes are unchanged.</summary>
[RegisterSerializer]
public sealed class ClientAssertionPolicyCodec(IValueSerializer<ClientAssertionPolicySurrogate> surrogates) : OmittedWhenNullCodec<ClientAssertionPolicy, ClientAssertionPolicySurrogate, ClientAssertionPolicyConverter>(surrogates);

[RegisterCopier]
public sealed class ClientAssertionPolicyCopier : ShallowCopier<ClientAssertionPolicy>;

/// <summary>The wire and storage shape of <see cref="FederatedCredential"/> (alias tx.FederatedCredential).</summary>
[GenerateSerializer]
public struct FederatedCredentialSurrogate
{
    [Id(0)] public string Issuer;
    [Id(1)] public string Subject;
    [Id(2)] public string? Audience;
    [Id(3)] public string? JwksUri;
    [Id(4)] public bool OneTimeUse;
}

public sealed class FederatedCredentialConverter : IConverter<FederatedCredential, FederatedCredentialSurrogate>
{
    public FederatedCredential ConvertFromSurrogate(in FederatedCredentialSurrogate s) => new() { Issuer = s.Issuer, Subject = s.Subject, Audience = s.Audience, JwksUri = s.JwksUri, OneTimeUse = s.OneTimeUse };
    public FederatedCredentialSurrogate ConvertToSurrogate(in FederatedCredential value) => new() { Issuer = value.Issuer, Subject = value.Subject, Audience = value.Audience, JwksUri = value.JwksUri, OneTimeUse = value.OneTimeUse };
}

[RegisterSerializer]
public sealed class FederatedCredentialCodec(IValueSerializer<FederatedCredentialSurrogate> surrogates) : RecordSurrogateCodec<FederatedCredential, FederatedCredentialSurrogate, FederatedCredentialConverter>(surrogates);

[RegisterCopier]
public sealed class FederatedCredentialCopier : ShallowCopier<FederatedCredential>;

/// <summary>The wire and storage shape of <see cref="ExternalIdentity"/> (alias tx.ExternalIdentity): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct ExternalIdentitySurrogate
{
    [Id(0)] public string Handler;
    [Id(1)] public string Issuer;
    [Id(2)] public string Subject;
}

public sealed class ExternalIdentityConverter : IConverter<ExternalIdentity, ExternalIdentitySurrogate>
{
    public ExternalIdentity ConvertFromSurrogate(in ExternalIdentitySurrogate s) => new(s.Handler, s.Issuer, s.Subject);
    public ExternalIdentitySurrogate ConvertToSurrogate(in ExternalIdentity value) => new() { Handler = value.Handler, Issuer = value.Issuer, Subject = value.Subject };
}

[RegisterSerializer]
public sealed class ExternalIdentityCodec(IValueSerializer<ExternalIdentitySurrogate> surrogates) : RecordSurrogateCodec<ExternalIdentity, ExternalIdentitySurrogate, ExternalIdentityConverter>(surrogates);

/// <summary><see cref="ExternalIdentity"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class ExternalIdentityCopier : ShallowCopier<ExternalIdentity>;

/// <summary>The wire and storage shape of <see cref="HandlerAppEnablement"/> (alias tx.HandlerAppEnablement): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct HandlerAppEnablementSurrogate
{
    [Id(0)] public string ClientId;
    [Id(1)] public bool Default;
    [Id(2)] public bool AllowUserCreation;
    [Id(3)] public string? RunAs;
}

public sealed class HandlerAppEnablementConverter : IConverter<HandlerAppEnablement, HandlerAppEnablementSurrogate>
{
    public HandlerAppEnablement ConvertFromSurrogate(in HandlerAppEnablementSurrogate s) => new() { ClientId = s.ClientId, Default = s.Default, AllowUserCreation = s.AllowUserCreation, RunAs = s.RunAs };
    public HandlerAppEnablementSurrogate ConvertToSurrogate(in HandlerAppEnablement value) => new() { ClientId = value.ClientId, Default = value.Default, AllowUserCreation = value.AllowUserCreation, RunAs = value.RunAs };
}

[RegisterSerializer]
public sealed class HandlerAppEnablementCodec(IValueSerializer<HandlerAppEnablementSurrogate> surrogates) : RecordSurrogateCodec<HandlerAppEnablement, HandlerAppEnablementSurrogate, HandlerAppEnablementConverter>(surrogates);

/// <summary><see cref="HandlerAppEnablement"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class HandlerAppEnablementCopier : ShallowCopier<HandlerAppEnablement>;

/// <summary>The wire and storage shape of <see cref="HandlerDefinition"/> (alias tx.HandlerDefinition): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct HandlerDefinitionSurrogate
{
    [Id(0)] public string Name;
    [Id(1)] public string? Label;
    [Id(2)] public string? Description;
    [Id(3)] public string Implementation;
    [Id(4)] public bool Enabled;
    [Id(5)] public string[] AcceptedTokenTypes;
    [Id(6)] public JwtTrust Trust;
    [Id(7)] public UserMappingRule UserMapping;
    [Id(8)] public HandlerAppEnablement[] Enablements;
    [Id(9)] public Dictionary<string, string> Settings;
    [Id(10)] public TimeSpan Timeout;
    [Id(11)] public IntrospectionTrust? Introspection;
    [Id(12)] public bool AllowInsecureHttp;
}

public sealed class HandlerDefinitionConverter : IConverter<HandlerDefinition, HandlerDefinitionSurrogate>
{
    public HandlerDefinition ConvertFromSurrogate(in HandlerDefinitionSurrogate s) => new() { Name = s.Name, Label = s.Label, Description = s.Description, Implementation = s.Implementation, Enabled = s.Enabled, AcceptedTokenTypes = s.AcceptedTokenTypes, Trust = s.Trust, UserMapping = s.UserMapping, Enablements = s.Enablements, Settings = s.Settings, Timeout = s.Timeout, Introspection = s.Introspection, AllowInsecureHttp = s.AllowInsecureHttp };
    public HandlerDefinitionSurrogate ConvertToSurrogate(in HandlerDefinition value) => new() { Name = value.Name, Label = value.Label, Description = value.Description, Implementation = value.Implementation, Enabled = value.Enabled, AcceptedTokenTypes = value.AcceptedTokenTypes, Trust = value.Trust, UserMapping = value.UserMapping, Enablements = value.Enablements, Settings = value.Settings, Timeout = value.Timeout, Introspection = value.Introspection, AllowInsecureHttp = value.AllowInsecureHttp };
}

[RegisterSerializer]
public sealed class HandlerDefinitionCodec(IValueSerializer<HandlerDefinitionSurrogate> surrogates) : RecordSurrogateCodec<HandlerDefinition, HandlerDefinitionSurrogate, HandlerDefinitionConverter>(surrogates);

/// <summary><see cref="HandlerDefinition"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class HandlerDefinitionCopier : ShallowCopier<HandlerDefinition>;

/// <summary>The wire and storage shape of <see cref="IntrospectionTrust"/> (alias tx.IntrospectionTrust): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct IntrospectionTrustSurrogate
{
    [Id(0)] public string Endpoint;
    [Id(1)] public string? ClientId;
    [Id(2)] public string? ClientSecret;
    [Id(3)] public bool UseUserinfo;
    [Id(4)] public string? Issuer;
    [Id(5)] public TimeSpan NegativeCacheFor;
    [Id(6)] public TimeSpan MaxCacheFor;
    [Id(7)] public int MaxCacheEntries;
}

public sealed class IntrospectionTrustConverter : IConverter<IntrospectionTrust, IntrospectionTrustSurrogate>
{
    public IntrospectionTrust ConvertFromSurrogate(in IntrospectionTrustSurrogate s) => new() { Endpoint = s.Endpoint, ClientId = s.ClientId, ClientSecret = s.ClientSecret, UseUserinfo = s.UseUserinfo, Issuer = s.Issuer, NegativeCacheFor = s.NegativeCacheFor, MaxCacheFor = s.MaxCacheFor, MaxCacheEntries = s.MaxCacheEntries };
    public IntrospectionTrustSurrogate ConvertToSurrogate(in IntrospectionTrust value) => new() { Endpoint = value.Endpoint, ClientId = value.ClientId, ClientSecret = value.ClientSecret, UseUserinfo = value.UseUserinfo, Issuer = value.Issuer, NegativeCacheFor = value.NegativeCacheFor, MaxCacheFor = value.MaxCacheFor, MaxCacheEntries = value.MaxCacheEntries };
}

[RegisterSerializer]
public sealed class IntrospectionTrustCodec(IValueSerializer<IntrospectionTrustSurrogate> surrogates) : RecordSurrogateCodec<IntrospectionTrust, IntrospectionTrustSurrogate, IntrospectionTrustConverter>(surrogates);

/// <summary><see cref="IntrospectionTrust"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class IntrospectionTrustCopier : ShallowCopier<IntrospectionTrust>;

/// <summary>
/// The wire and storage shape of <see cref="JwtTrust"/> (alias tx.JwtTrust): the field ids it had as an Orleans-generated record,
/// then the verified-token cache's bounds, written only where they differ from the defaults (null otherwise, and null is
/// omitted), so a trust with the default cache writes the bytes it always did and state written before reads as the defaults.
/// </summary>
[GenerateSerializer]
[OmitDefaultMemberValues]
public struct JwtTrustSurrogate
{
    [Id(0)] public string? Issuer;
    [Id(1)] public string? JwksUri;
    [Id(2)] public string? InlineJwks;
    [Id(3)] public string[] Audiences;
    [Id(4)] public string[] Algorithms;
    [Id(5)] public TimeSpan ClockSkew;
    [Id(6)] public bool DevIssuer;
    [Id(7)] public TimeSpan? JwksRefreshCooldown;
    [Id(8)] public TimeSpan MaxTokenLifetime;
    [Id(9)] public string[] AuthorizedParties;
    [Id(10)] public TimeSpan? ValidationCacheMaxAge;
    [Id(11)] public int? ValidationCacheMaxEntries;
}

public sealed class JwtTrustConverter : IConverter<JwtTrust, JwtTrustSurrogate>
{
    private static readonly ValidationCachePolicy DefaultCache = ValidationCachePolicy.Default;

    public JwtTrust ConvertFromSurrogate(in JwtTrustSurrogate s) => new() { Issuer = s.Issuer, JwksUri = s.JwksUri, InlineJwks = s.InlineJwks, Audiences = s.Audiences, Algorithms = s.Algorithms, ClockSkew = s.ClockSkew, DevIssuer = s.DevIssuer, JwksRefreshCooldown = s.JwksRefreshCooldown, MaxTokenLifetime = s.MaxTokenLifetime, AuthorizedParties = s.AuthorizedParties, ValidationCache = new ValidationCachePolicy { MaxAge = s.ValidationCacheMaxAge ?? DefaultCache.MaxAge, MaxEntries = s.ValidationCacheMaxEntries ?? DefaultCache.MaxEntries } };
    public JwtTrustSurrogate ConvertToSurrogate(in JwtTrust value) => new() { Issuer = value.Issuer, JwksUri = value.JwksUri, InlineJwks = value.InlineJwks, Audiences = value.Audiences, Algorithms = value.Algorithms, ClockSkew = value.ClockSkew, DevIssuer = value.DevIssuer, JwksRefreshCooldown = value.JwksRefreshCooldown, MaxTokenLifetime = value.MaxTokenLifetime, AuthorizedParties = value.AuthorizedParties, ValidationCacheMaxAge = value.ValidationCache.MaxAge == DefaultCache.MaxAge ? null : value.ValidationCache.MaxAge, ValidationCacheMaxEntries = value.ValidationCache.MaxEntries == DefaultCache.MaxEntries ? null : value.ValidationCache.MaxEntries };
}

[RegisterSerializer]
public sealed class JwtTrustCodec(IValueSerializer<JwtTrustSurrogate> surrogates) : RecordSurrogateCodec<JwtTrust, JwtTrustSurrogate, JwtTrustConverter>(surrogates);

/// <summary><see cref="JwtTrust"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class JwtTrustCopier : ShallowCopier<JwtTrust>;

/// <summary>The wire and storage shape of <see cref="RateLimitPolicy"/> (alias tx.RateLimitPolicy): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct RateLimitPolicySurrogate
{
    [Id(0)] public int RequestsPerSecond;
    [Id(1)] public int Burst;
    [Id(2)] public int InvalidTokensPerMinute;
}

public sealed class RateLimitPolicyConverter : IConverter<RateLimitPolicy, RateLimitPolicySurrogate>
{
    public RateLimitPolicy ConvertFromSurrogate(in RateLimitPolicySurrogate s) => new() { RequestsPerSecond = s.RequestsPerSecond, Burst = s.Burst, InvalidTokensPerMinute = s.InvalidTokensPerMinute };
    public RateLimitPolicySurrogate ConvertToSurrogate(in RateLimitPolicy value) => new() { RequestsPerSecond = value.RequestsPerSecond, Burst = value.Burst, InvalidTokensPerMinute = value.InvalidTokensPerMinute };
}

[RegisterSerializer]
public sealed class RateLimitPolicyCodec(IValueSerializer<RateLimitPolicySurrogate> surrogates) : RecordSurrogateCodec<RateLimitPolicy, RateLimitPolicySurrogate, RateLimitPolicyConverter>(surrogates);

/// <summary><see cref="RateLimitPolicy"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class RateLimitPolicyCopier : ShallowCopier<RateLimitPolicy>;

/// <summary>The wire and storage shape of <see cref="TlsClientAuthPolicy"/> (alias tx.TlsClientAuthPolicy): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct TlsClientAuthPolicySurrogate
{
    [Id(0)] public string? SubjectDn;
    [Id(1)] public string? SanDns;
    [Id(2)] public string[] Thumbprints;
}

public sealed class TlsClientAuthPolicyConverter : IConverter<TlsClientAuthPolicy, TlsClientAuthPolicySurrogate>
{
    public TlsClientAuthPolicy ConvertFromSurrogate(in TlsClientAuthPolicySurrogate s) => new() { SubjectDn = s.SubjectDn, SanDns = s.SanDns, Thumbprints = s.Thumbprints };
    public TlsClientAuthPolicySurrogate ConvertToSurrogate(in TlsClientAuthPolicy value) => new() { SubjectDn = value.SubjectDn, SanDns = value.SanDns, Thumbprints = value.Thumbprints };
}

[RegisterSerializer]
public sealed class TlsClientAuthPolicyCodec(IValueSerializer<TlsClientAuthPolicySurrogate> surrogates) : RecordSurrogateCodec<TlsClientAuthPolicy, TlsClientAuthPolicySurrogate, TlsClientAuthPolicyConverter>(surrogates);

/// <summary><see cref="TlsClientAuthPolicy"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class TlsClientAuthPolicyCopier : ShallowCopier<TlsClientAuthPolicy>;

/// <summary>The wire and storage shape of <see cref="UserMappingRule"/> (alias tx.UserMappingRule): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct UserMappingRuleSurrogate
{
    [Id(0)] public string Claim;
    [Id(1)] public UserField Attribute;
    [Id(2)] public bool LinkExisting;
    [Id(3)] public string[] VerifiedClaims;
    [Id(4)] public UserAttributeClaims UserAttributes;
}

public sealed class UserMappingRuleConverter : IConverter<UserMappingRule, UserMappingRuleSurrogate>
{
    public UserMappingRule ConvertFromSurrogate(in UserMappingRuleSurrogate s) => new() { Claim = s.Claim, Attribute = s.Attribute, LinkExisting = s.LinkExisting, VerifiedClaims = s.VerifiedClaims, UserAttributes = s.UserAttributes };
    public UserMappingRuleSurrogate ConvertToSurrogate(in UserMappingRule value) => new() { Claim = value.Claim, Attribute = value.Attribute, LinkExisting = value.LinkExisting, VerifiedClaims = value.VerifiedClaims, UserAttributes = value.UserAttributes };
}

[RegisterSerializer]
public sealed class UserMappingRuleCodec(IValueSerializer<UserMappingRuleSurrogate> surrogates) : RecordSurrogateCodec<UserMappingRule, UserMappingRuleSurrogate, UserMappingRuleConverter>(surrogates);

/// <summary><see cref="UserMappingRule"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class UserMappingRuleCopier : ShallowCopier<UserMappingRule>;

/// <summary>The wire and storage shape of <see cref="UserAttributeClaims"/> (alias tx.UserAttributeClaims): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct UserAttributeClaimsSurrogate
{
    [Id(0)] public string? Username;
    [Id(1)] public string? Email;
    [Id(2)] public string? FederationId;
    [Id(3)] public string? DisplayName;
}

public sealed class UserAttributeClaimsConverter : IConverter<UserAttributeClaims, UserAttributeClaimsSurrogate>
{
    public UserAttributeClaims ConvertFromSurrogate(in UserAttributeClaimsSurrogate s) => new() { Username = s.Username, Email = s.Email, FederationId = s.FederationId, DisplayName = s.DisplayName };
    public UserAttributeClaimsSurrogate ConvertToSurrogate(in UserAttributeClaims value) => new() { Username = value.Username, Email = value.Email, FederationId = value.FederationId, DisplayName = value.DisplayName };
}

[RegisterSerializer]
public sealed class UserAttributeClaimsCodec(IValueSerializer<UserAttributeClaimsSurrogate> surrogates) : RecordSurrogateCodec<UserAttributeClaims, UserAttributeClaimsSurrogate, UserAttributeClaimsConverter>(surrogates);

/// <summary><see cref="UserAttributeClaims"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class UserAttributeClaimsCopier : ShallowCopier<UserAttributeClaims>;

/// <summary>Writes <see cref="UserField"/> as the codec Orleans generated for Core's UserAttribute (merged into it, same values) did: its int value, typed as alias tx.UserAttribute.</summary>
[RegisterSerializer]
public sealed class UserFieldCodec : IFieldCodec<UserField>
{
    private static readonly Type FieldType = typeof(UserField);

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, UserField value) where TBufferWriter : System.Buffers.IBufferWriter<byte> =>
        Int32Codec.WriteField(ref writer, fieldIdDelta, expectedType, (int)value, FieldType);

    public UserField ReadValue<TInput>(ref Reader<TInput> reader, Field field) => (UserField)Int32Codec.ReadValue(ref reader, field);
}

/// <summary>The wire and storage shape of <see cref="UserRecord"/> (alias tx.UserRecord): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct UserRecordSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public string? Username;
    [Id(2)] public string? Email;
    [Id(3)] public string? FederationId;
    [Id(4)] public string? DisplayName;
    [Id(5)] public bool Enabled;
}

public sealed class UserRecordConverter : IConverter<UserRecord, UserRecordSurrogate>
{
    public UserRecord ConvertFromSurrogate(in UserRecordSurrogate s) => new() { Id = s.Id, Username = s.Username, Email = s.Email, FederationId = s.FederationId, DisplayName = s.DisplayName, Enabled = s.Enabled };
    public UserRecordSurrogate ConvertToSurrogate(in UserRecord value) => new() { Id = value.Id, Username = value.Username, Email = value.Email, FederationId = value.FederationId, DisplayName = value.DisplayName, Enabled = value.Enabled };
}

[RegisterSerializer]
public sealed class UserRecordCodec(IValueSerializer<UserRecordSurrogate> surrogates) : RecordSurrogateCodec<UserRecord, UserRecordSurrogate, UserRecordConverter>(surrogates);

/// <summary><see cref="UserRecord"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class UserRecordCopier : ShallowCopier<UserRecord>;
