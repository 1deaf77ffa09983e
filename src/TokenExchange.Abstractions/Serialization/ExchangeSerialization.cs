using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Abstractions.Serialization;

/// <summary>The wire and storage shape of <see cref="AuthorizedExchange"/> (alias tx.AuthorizedExchange): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct AuthorizedExchangeSurrogate
{
    [Id(0)] public AppDefinition App;
    [Id(1)] public HandlerAppEnablement Enablement;
    [Id(2)] public string SubjectToken;
    [Id(3)] public string SubjectTokenType;
    [Id(4)] public string RequestedTokenType;
    [Id(5)] public string[] Scopes;
    [Id(6)] public string[] Audiences;
    [Id(7)] public string HandlerName;
    [Id(8)] public string? ActorToken;
    [Id(9)] public string? ActorTokenType;
    [Id(10)] public bool IssueRefreshToken;
    [Id(11)] public string? CertificateThumbprint;
}

public sealed class AuthorizedExchangeConverter : IConverter<AuthorizedExchange, AuthorizedExchangeSurrogate>
{
    public AuthorizedExchange ConvertFromSurrogate(in AuthorizedExchangeSurrogate s) => new() { App = s.App, Enablement = s.Enablement, HandlerName = s.HandlerName, SubjectToken = s.SubjectToken, SubjectTokenType = s.SubjectTokenType, RequestedTokenType = s.RequestedTokenType, Scopes = s.Scopes, Audiences = s.Audiences, ActorToken = s.ActorToken, ActorTokenType = s.ActorTokenType, IssueRefreshToken = s.IssueRefreshToken, CertificateThumbprint = s.CertificateThumbprint };
    public AuthorizedExchangeSurrogate ConvertToSurrogate(in AuthorizedExchange value) => new() { App = value.App, Enablement = value.Enablement, SubjectToken = value.SubjectToken, SubjectTokenType = value.SubjectTokenType, RequestedTokenType = value.RequestedTokenType, Scopes = value.Scopes, Audiences = value.Audiences, HandlerName = value.HandlerName, ActorToken = value.ActorToken, ActorTokenType = value.ActorTokenType, IssueRefreshToken = value.IssueRefreshToken, CertificateThumbprint = value.CertificateThumbprint };
}

[RegisterSerializer]
public sealed class AuthorizedExchangeCodec(IValueSerializer<AuthorizedExchangeSurrogate> surrogates) : RecordSurrogateCodec<AuthorizedExchange, AuthorizedExchangeSurrogate, AuthorizedExchangeConverter>(surrogates);

/// <summary><see cref="AuthorizedExchange"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class AuthorizedExchangeCopier : ShallowCopier<AuthorizedExchange>;

/// <summary>The wire and storage shape of <see cref="ClientCertificate"/> (alias tx.ClientCertificate): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct ClientCertificateSurrogate
{
    [Id(0)] public string Thumbprint;
    [Id(1)] public string SubjectDn;
    [Id(2)] public string[] DnsNames;
    [Id(3)] public bool IssuedByTrustedCa;
}

public sealed class ClientCertificateConverter : IConverter<ClientCertificate, ClientCertificateSurrogate>
{
    public ClientCertificate ConvertFromSurrogate(in ClientCertificateSurrogate s) => new() { Thumbprint = s.Thumbprint, SubjectDn = s.SubjectDn, DnsNames = s.DnsNames, IssuedByTrustedCa = s.IssuedByTrustedCa };
    public ClientCertificateSurrogate ConvertToSurrogate(in ClientCertificate value) => new() { Thumbprint = value.Thumbprint, SubjectDn = value.SubjectDn, DnsNames = value.DnsNames, IssuedByTrustedCa = value.IssuedByTrustedCa };
}

[RegisterSerializer]
public sealed class ClientCertificateCodec(IValueSerializer<ClientCertificateSurrogate> surrogates) : RecordSurrogateCodec<ClientCertificate, ClientCertificateSurrogate, ClientCertificateConverter>(surrogates);

/// <summary><see cref="ClientCertificate"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class ClientCertificateCopier : ShallowCopier<ClientCertificate>;

/// <summary>The wire and storage shape of <see cref="ExchangeOutcome"/> (alias tx.ExchangeOutcome): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct ExchangeOutcomeSurrogate
{
    [Id(0)] public IssuedTokens? Tokens;
    [Id(1)] public OAuthError? Error;
    [Id(2)] public string? UserId;
}

public sealed class ExchangeOutcomeConverter : IConverter<ExchangeOutcome, ExchangeOutcomeSurrogate>
{
    public ExchangeOutcome ConvertFromSurrogate(in ExchangeOutcomeSurrogate s) => new() { Tokens = s.Tokens, Error = s.Error, UserId = s.UserId };
    public ExchangeOutcomeSurrogate ConvertToSurrogate(in ExchangeOutcome value) => new() { Tokens = value.Tokens, Error = value.Error, UserId = value.UserId };
}

[RegisterSerializer]
public sealed class ExchangeOutcomeCodec(IValueSerializer<ExchangeOutcomeSurrogate> surrogates) : RecordSurrogateCodec<ExchangeOutcome, ExchangeOutcomeSurrogate, ExchangeOutcomeConverter>(surrogates);

/// <summary><see cref="ExchangeOutcome"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class ExchangeOutcomeCopier : ShallowCopier<ExchangeOutcome>;

/// <summary>The wire and storage shape of <see cref="ExchangeRequest"/> (alias tx.ExchangeRequest): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct ExchangeRequestSurrogate
{
    [Id(0)] public string? ClientId;
    [Id(1)] public string? ClientSecret;
    [Id(2)] public string? SubjectToken;
    [Id(3)] public string? SubjectTokenType;
    [Id(4)] public string? ActorToken;
    [Id(5)] public string? ActorTokenType;
    [Id(6)] public string? RequestedTokenType;
    [Id(7)] public string[] Scopes;
    [Id(8)] public string[] Audiences;
    [Id(9)] public string[] Resources;
    [Id(10)] public string? TokenHandler;
    [Id(11)] public string? ClientAddress;
    [Id(12)] public ClientCertificate? ClientCertificate;
}

public sealed class ExchangeRequestConverter : IConverter<ExchangeRequest, ExchangeRequestSurrogate>
{
    public ExchangeRequest ConvertFromSurrogate(in ExchangeRequestSurrogate s) => new() { ClientId = s.ClientId, ClientSecret = s.ClientSecret, SubjectToken = s.SubjectToken, SubjectTokenType = s.SubjectTokenType, ActorToken = s.ActorToken, ActorTokenType = s.ActorTokenType, RequestedTokenType = s.RequestedTokenType, Scopes = s.Scopes, Audiences = s.Audiences, Resources = s.Resources, TokenHandler = s.TokenHandler, ClientAddress = s.ClientAddress, ClientCertificate = s.ClientCertificate };
    public ExchangeRequestSurrogate ConvertToSurrogate(in ExchangeRequest value) => new() { ClientId = value.ClientId, ClientSecret = value.ClientSecret, SubjectToken = value.SubjectToken, SubjectTokenType = value.SubjectTokenType, ActorToken = value.ActorToken, ActorTokenType = value.ActorTokenType, RequestedTokenType = value.RequestedTokenType, Scopes = value.Scopes, Audiences = value.Audiences, Resources = value.Resources, TokenHandler = value.TokenHandler, ClientAddress = value.ClientAddress, ClientCertificate = value.ClientCertificate };
}

[RegisterSerializer]
public sealed class ExchangeRequestCodec(IValueSerializer<ExchangeRequestSurrogate> surrogates) : RecordSurrogateCodec<ExchangeRequest, ExchangeRequestSurrogate, ExchangeRequestConverter>(surrogates);

/// <summary><see cref="ExchangeRequest"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class ExchangeRequestCopier : ShallowCopier<ExchangeRequest>;

/// <summary>The wire and storage shape of <see cref="IssuedTokens"/> (alias tx.IssuedTokens): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct IssuedTokensSurrogate
{
    [Id(0)] public string AccessToken;
    [Id(1)] public string IssuedTokenType;
    [Id(2)] public string TokenType;
    [Id(3)] public long ExpiresIn;
    [Id(4)] public string? Scope;
    [Id(5)] public string? RefreshToken;
    [Id(6)] public string? IdToken;
}

public sealed class IssuedTokensConverter : IConverter<IssuedTokens, IssuedTokensSurrogate>
{
    public IssuedTokens ConvertFromSurrogate(in IssuedTokensSurrogate s) => new() { AccessToken = s.AccessToken, IssuedTokenType = s.IssuedTokenType, TokenType = s.TokenType, ExpiresIn = s.ExpiresIn, Scope = s.Scope, RefreshToken = s.RefreshToken, IdToken = s.IdToken };
    public IssuedTokensSurrogate ConvertToSurrogate(in IssuedTokens value) => new() { AccessToken = value.AccessToken, IssuedTokenType = value.IssuedTokenType, TokenType = value.TokenType, ExpiresIn = value.ExpiresIn, Scope = value.Scope, RefreshToken = value.RefreshToken, IdToken = value.IdToken };
}

[RegisterSerializer]
public sealed class IssuedTokensCodec(IValueSerializer<IssuedTokensSurrogate> surrogates) : RecordSurrogateCodec<IssuedTokens, IssuedTokensSurrogate, IssuedTokensConverter>(surrogates);

/// <summary><see cref="IssuedTokens"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class IssuedTokensCopier : ShallowCopier<IssuedTokens>;

/// <summary>The wire and storage shape of <see cref="OAuthError"/> (alias tx.OAuthError): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct OAuthErrorSurrogate
{
    [Id(0)] public string Code;
    [Id(1)] public string Description;
    [Id(2)] public string? Reason;
    [Id(3)] public TimeSpan? RetryAfter;
}

public sealed class OAuthErrorConverter : IConverter<OAuthError, OAuthErrorSurrogate>
{
    public OAuthError ConvertFromSurrogate(in OAuthErrorSurrogate s) => new(s.Code, s.Description, s.Reason, s.RetryAfter);
    public OAuthErrorSurrogate ConvertToSurrogate(in OAuthError value) => new() { Code = value.Code, Description = value.Description, Reason = value.Reason, RetryAfter = value.RetryAfter };
}

[RegisterSerializer]
public sealed class OAuthErrorCodec(IValueSerializer<OAuthErrorSurrogate> surrogates) : RecordSurrogateCodec<OAuthError, OAuthErrorSurrogate, OAuthErrorConverter>(surrogates);

/// <summary><see cref="OAuthError"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class OAuthErrorCopier : ShallowCopier<OAuthError>;

/// <summary>The wire and storage shape of <see cref="RefreshRequest"/> (alias tx.RefreshRequest): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct RefreshRequestSurrogate
{
    [Id(0)] public string? ClientId;
    [Id(1)] public string? ClientSecret;
    [Id(2)] public string? RefreshToken;
    [Id(3)] public string[] Scopes;
    [Id(4)] public string? ClientAddress;
    [Id(5)] public ClientCertificate? ClientCertificate;
}

public sealed class RefreshRequestConverter : IConverter<RefreshRequest, RefreshRequestSurrogate>
{
    public RefreshRequest ConvertFromSurrogate(in RefreshRequestSurrogate s) => new() { ClientId = s.ClientId, ClientSecret = s.ClientSecret, RefreshToken = s.RefreshToken, Scopes = s.Scopes, ClientAddress = s.ClientAddress, ClientCertificate = s.ClientCertificate };
    public RefreshRequestSurrogate ConvertToSurrogate(in RefreshRequest value) => new() { ClientId = value.ClientId, ClientSecret = value.ClientSecret, RefreshToken = value.RefreshToken, Scopes = value.Scopes, ClientAddress = value.ClientAddress, ClientCertificate = value.ClientCertificate };
}

[RegisterSerializer]
public sealed class RefreshRequestCodec(IValueSerializer<RefreshRequestSurrogate> surrogates) : RecordSurrogateCodec<RefreshRequest, RefreshRequestSurrogate, RefreshRequestConverter>(surrogates);

/// <summary><see cref="RefreshRequest"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class RefreshRequestCopier : ShallowCopier<RefreshRequest>;
