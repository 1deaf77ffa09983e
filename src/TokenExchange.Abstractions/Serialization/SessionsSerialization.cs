using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Abstractions.Serialization;

/// <summary>The wire and storage shape of <see cref="SubjectUserRequest"/> (alias tx.SubjectUserRequest): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct SubjectUserRequestSurrogate
{
    [Id(0)] public string HandlerName;
    [Id(1)] public string ClientId;
    [Id(2)] public bool AllowUserCreation;
    [Id(3)] public ValidatedSubject Subject;
    [Id(4)] public RefreshGrant? Refresh;
    [Id(5)] public TimeSpan RefreshLifetime;
    [Id(6)] public TimeSpan RefreshAbsoluteLifetime;
    [Id(7)] public string? RequestId;
}

public sealed class SubjectUserRequestConverter : IConverter<SubjectUserRequest, SubjectUserRequestSurrogate>
{
    public SubjectUserRequest ConvertFromSurrogate(in SubjectUserRequestSurrogate s) => new() { HandlerName = s.HandlerName, ClientId = s.ClientId, AllowUserCreation = s.AllowUserCreation, Subject = s.Subject, Refresh = s.Refresh, RefreshLifetime = s.RefreshLifetime, RefreshAbsoluteLifetime = s.RefreshAbsoluteLifetime, RequestId = s.RequestId };
    public SubjectUserRequestSurrogate ConvertToSurrogate(in SubjectUserRequest value) => new() { HandlerName = value.HandlerName, ClientId = value.ClientId, AllowUserCreation = value.AllowUserCreation, Subject = value.Subject, Refresh = value.Refresh, RefreshLifetime = value.RefreshLifetime, RefreshAbsoluteLifetime = value.RefreshAbsoluteLifetime, RequestId = value.RequestId };
}

[RegisterSerializer]
public sealed class SubjectUserRequestCodec(IValueSerializer<SubjectUserRequestSurrogate> surrogates) : RecordSurrogateCodec<SubjectUserRequest, SubjectUserRequestSurrogate, SubjectUserRequestConverter>(surrogates);

/// <summary><see cref="SubjectUserRequest"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class SubjectUserRequestCopier : ShallowCopier<SubjectUserRequest>;

/// <summary>The wire and storage shape of <see cref="ValidatedSubject"/> (alias tx.ValidatedSubject): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct ValidatedSubjectSurrogate
{
    [Id(0)] public string Subject;
    [Id(1)] public string Issuer;
    [Id(2)] public Dictionary<string, string> Claims;
    [Id(3)] public string? Username;
    [Id(4)] public string? Email;
    [Id(5)] public string? DisplayName;
    [Id(6)] public string? FederationId;
    [Id(7)] public DateTimeOffset? ExpiresAt;
    [Id(8)] public bool EmailVerified;
}

public sealed class ValidatedSubjectConverter : IConverter<ValidatedSubject, ValidatedSubjectSurrogate>
{
    public ValidatedSubject ConvertFromSurrogate(in ValidatedSubjectSurrogate s) => new() { Subject = s.Subject, Issuer = s.Issuer, Claims = s.Claims, Username = s.Username, Email = s.Email, DisplayName = s.DisplayName, FederationId = s.FederationId, ExpiresAt = s.ExpiresAt, EmailVerified = s.EmailVerified };
    public ValidatedSubjectSurrogate ConvertToSurrogate(in ValidatedSubject value) => new() { Subject = value.Subject, Issuer = value.Issuer, Claims = Wire(value.Claims), Username = value.Username, Email = value.Email, DisplayName = value.DisplayName, FederationId = value.FederationId, ExpiresAt = value.ExpiresAt, EmailVerified = value.EmailVerified };

    // The wire keeps the dictionary it always carried (same bytes, old and new silos read each other); a ClaimSet, what
    // validation builds, is copied into one only when the subject leaves the silo.
    private static Dictionary<string, string> Wire(IReadOnlyDictionary<string, string> claims) =>
        claims as Dictionary<string, string> ?? new Dictionary<string, string>(claims, StringComparer.Ordinal);
}

[RegisterSerializer]
public sealed class ValidatedSubjectCodec(IValueSerializer<ValidatedSubjectSurrogate> surrogates) : RecordSurrogateCodec<ValidatedSubject, ValidatedSubjectSurrogate, ValidatedSubjectConverter>(surrogates);

/// <summary><see cref="ValidatedSubject"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class ValidatedSubjectCopier : ShallowCopier<ValidatedSubject>;

/// <summary>The wire and storage shape of <see cref="UserResolution"/> (alias tx.UserResolution): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct UserResolutionSurrogate
{
    [Id(0)] public UserRecord? User;
    [Id(1)] public OAuthError? Error;
    [Id(2)] public bool Created;
    [Id(3)] public string? RefreshToken;
    [Id(4)] public DateTimeOffset RefreshExpiresAt;
}

public sealed class UserResolutionConverter : IConverter<UserResolution, UserResolutionSurrogate>
{
    public UserResolution ConvertFromSurrogate(in UserResolutionSurrogate s) => new(s.User, s.Error, s.Created) { RefreshToken = s.RefreshToken, RefreshExpiresAt = s.RefreshExpiresAt };
    public UserResolutionSurrogate ConvertToSurrogate(in UserResolution value) => new() { User = value.User, Error = value.Error, Created = value.Created, RefreshToken = value.RefreshToken, RefreshExpiresAt = value.RefreshExpiresAt };
}

[RegisterSerializer]
public sealed class UserResolutionCodec(IValueSerializer<UserResolutionSurrogate> surrogates) : RecordSurrogateCodec<UserResolution, UserResolutionSurrogate, UserResolutionConverter>(surrogates);

/// <summary><see cref="UserResolution"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class UserResolutionCopier : ShallowCopier<UserResolution>;

/// <summary>
/// The wire and storage shape of <see cref="RefreshGrant"/> (alias tx.RefreshGrant): the field ids it had as an Orleans-generated
/// record, then the DPoP binding, written only when set (<see cref="OptionalText"/>): an unbound grant, and with it its
/// refresh family in the subject session's state, keeps the bytes it had, and a family stored before reads as unbound.
/// </summary>
[GenerateSerializer]
public struct RefreshGrantSurrogate
{
    [Id(0)] public string ClientId;
    [Id(1)] public string HandlerName;
    [Id(2)] public string[] Scopes;
    [Id(3)] public string[] Audiences;
    [Id(4)] public string? Act;
    [Id(5)] public DateTimeOffset? NotAfter;
    [Id(100)] public OptionalText? DpopThumbprint;
}

public sealed class RefreshGrantConverter : IConverter<RefreshGrant, RefreshGrantSurrogate>
{
    public RefreshGrant ConvertFromSurrogate(in RefreshGrantSurrogate s) => new() { ClientId = s.ClientId, HandlerName = s.HandlerName, Scopes = s.Scopes, Audiences = s.Audiences, Act = s.Act, NotAfter = s.NotAfter, DpopThumbprint = s.DpopThumbprint?.Value };
    public RefreshGrantSurrogate ConvertToSurrogate(in RefreshGrant value) => new() { ClientId = value.ClientId, HandlerName = value.HandlerName, Scopes = value.Scopes, Audiences = value.Audiences, Act = value.Act, NotAfter = value.NotAfter, DpopThumbprint = OptionalText.From(value.DpopThumbprint) };
}

[RegisterSerializer]
public sealed class RefreshGrantCodec(IValueSerializer<RefreshGrantSurrogate> surrogates) : RecordSurrogateCodec<RefreshGrant, RefreshGrantSurrogate, RefreshGrantConverter>(surrogates);

/// <summary><see cref="RefreshGrant"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class RefreshGrantCopier : ShallowCopier<RefreshGrant>;

/// <summary>The wire and storage shape of <see cref="RefreshResult"/> (alias tx.RefreshResult): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct RefreshResultSurrogate
{
    [Id(0)] public string? Token;
    [Id(1)] public UserRecord? User;
    [Id(2)] public RefreshGrant? Grant;
    [Id(3)] public OAuthError? Error;
    [Id(4)] public DateTimeOffset ExpiresAt;
}

public sealed class RefreshResultConverter : IConverter<RefreshResult, RefreshResultSurrogate>
{
    public RefreshResult ConvertFromSurrogate(in RefreshResultSurrogate s) => new(s.Token, s.User, s.Grant, s.Error, s.ExpiresAt);
    public RefreshResultSurrogate ConvertToSurrogate(in RefreshResult value) => new() { Token = value.Token, User = value.User, Grant = value.Grant, Error = value.Error, ExpiresAt = value.ExpiresAt };
}

[RegisterSerializer]
public sealed class RefreshResultCodec(IValueSerializer<RefreshResultSurrogate> surrogates) : RecordSurrogateCodec<RefreshResult, RefreshResultSurrogate, RefreshResultConverter>(surrogates);

/// <summary><see cref="RefreshResult"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class RefreshResultCopier : ShallowCopier<RefreshResult>;
