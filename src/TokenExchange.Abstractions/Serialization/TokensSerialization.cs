using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using TokenExchange.Tokens;

namespace TokenExchange.Abstractions.Serialization;

/// <summary>The wire and storage shape of <see cref="OpaqueAccessToken"/> (alias tx.OpaqueAccessToken): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct OpaqueAccessTokenSurrogate
{
    [Id(0)] public string ClaimsJson;
    [Id(1)] public string ClientId;
    [Id(2)] public string UserId;
    [Id(3)] public DateTimeOffset IssuedAt;
    [Id(4)] public DateTimeOffset ExpiresAt;
    [Id(5)] public bool Revoked;
    [Id(6)] public string? SessionKey;
}

public sealed class OpaqueAccessTokenConverter : IConverter<OpaqueAccessToken, OpaqueAccessTokenSurrogate>
{
    public OpaqueAccessToken ConvertFromSurrogate(in OpaqueAccessTokenSurrogate s) => new(s.ClaimsJson, s.ClientId, s.UserId, s.IssuedAt, s.ExpiresAt, s.Revoked, s.SessionKey);
    public OpaqueAccessTokenSurrogate ConvertToSurrogate(in OpaqueAccessToken value) => new() { ClaimsJson = value.ClaimsJson, ClientId = value.ClientId, UserId = value.UserId, IssuedAt = value.IssuedAt, ExpiresAt = value.ExpiresAt, Revoked = value.Revoked, SessionKey = value.SessionKey };
}

[RegisterSerializer]
public sealed class OpaqueAccessTokenCodec(IValueSerializer<OpaqueAccessTokenSurrogate> surrogates) : RecordSurrogateCodec<OpaqueAccessToken, OpaqueAccessTokenSurrogate, OpaqueAccessTokenConverter>(surrogates);

/// <summary><see cref="OpaqueAccessToken"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class OpaqueAccessTokenCopier : ShallowCopier<OpaqueAccessToken>;

/// <summary>The wire and storage shape of <see cref="SigningKeyEntry"/> (alias tx.SigningKeyEntry): the field ids it had as an Orleans-generated record.</summary>
[GenerateSerializer]
public struct SigningKeyEntrySurrogate
{
    [Id(0)] public string KeyId;
    [Id(1)] public string ProtectedJwk;
    [Id(2)] public DateTimeOffset CreatedAt;
    [Id(3)] public DateTimeOffset ActivatesAt;
    [Id(4)] public DateTimeOffset? RetiresAt;
}

public sealed class SigningKeyEntryConverter : IConverter<SigningKeyEntry, SigningKeyEntrySurrogate>
{
    public SigningKeyEntry ConvertFromSurrogate(in SigningKeyEntrySurrogate s) => new(s.KeyId, s.ProtectedJwk, s.CreatedAt, s.ActivatesAt, s.RetiresAt);
    public SigningKeyEntrySurrogate ConvertToSurrogate(in SigningKeyEntry value) => new() { KeyId = value.KeyId, ProtectedJwk = value.ProtectedJwk, CreatedAt = value.CreatedAt, ActivatesAt = value.ActivatesAt, RetiresAt = value.RetiresAt };
}

[RegisterSerializer]
public sealed class SigningKeyEntryCodec(IValueSerializer<SigningKeyEntrySurrogate> surrogates) : RecordSurrogateCodec<SigningKeyEntry, SigningKeyEntrySurrogate, SigningKeyEntryConverter>(surrogates);

/// <summary><see cref="SigningKeyEntry"/> is immutable: a local grain call passes the instance itself, as [Immutable] did.</summary>
[RegisterCopier]
public sealed class SigningKeyEntryCopier : ShallowCopier<SigningKeyEntry>;
