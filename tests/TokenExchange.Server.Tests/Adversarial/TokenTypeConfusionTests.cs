namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// A token presented as something it is not. The rule (README, security): an ID token (one with nonce,
/// at_hash, c_hash or s_hash) is accepted only when declared as subject_token_type
/// id_token; a token typed at+jwt (RFC 9068) is an access token and is refused when declared as an ID
/// token. The cluster's own tokens are refused by any handler that does not trust the cluster itself.
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class TokenTypeConfusionTests(AdversarialFixture fixture) : IDisposable
{
    private const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    private readonly Wire wire = new(fixture);

    public static TheoryData<Transport, string, string> IdTokenMarkers => new()
    {
        { Transport.Http, Clients.AccessTokenType, "nonce" },
        { Transport.Grpc, Clients.AccessTokenType, "at_hash" },
        { Transport.Http, Clients.JwtType, "c_hash" },
        { Transport.Grpc, Clients.JwtType, "nonce" },
        { Transport.Http, Clients.AccessTokenType, "s_hash" },
    };

    [Theory]
    [MemberData(nameof(IdTokenMarkers))]
    public async Task An_id_token_declared_as_an_access_token_or_jwt_is_refused(Transport transport, string declaredType, string marker)
    {
        var request = fixture.Request(IdToken(marker));
        request.SubjectTokenType = declaredType;
        Assert.Contains("ID token", await wire.Refused(transport, request, "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task The_same_id_token_declared_as_an_id_token_is_accepted(Transport transport)
    {
        var request = fixture.Request(IdToken("nonce"));
        request.SubjectTokenType = IdTokenType;
        Assert.NotEmpty((await wire.Exchanged(transport, request)).AccessToken);
    }

    [Theory]
    [InlineData(Transport.Http, "at+jwt")]
    [InlineData(Transport.Grpc, "at+jwt")]
    [InlineData(Transport.Http, "application/at+jwt")]
    [InlineData(Transport.Grpc, "AT+JWT")]
    public async Task An_access_token_declared_as_an_id_token_is_refused(Transport transport, string typ)
    {
        var request = fixture.Request(AttackTokens.FromIdp(fixture.Idp, header: new Dictionary<string, object?> { ["typ"] = typ }));
        request.SubjectTokenType = IdTokenType;
        Assert.Contains("access token", await wire.Refused(transport, request, "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_typed_access_token_declared_as_an_access_token_is_accepted(Transport transport)
    {
        var request = fixture.Request(AttackTokens.FromIdp(fixture.Idp, header: new Dictionary<string, object?> { ["typ"] = "at+jwt" }));
        Assert.NotEmpty((await wire.Exchanged(transport, request)).AccessToken);
    }

    [Theory]
    [InlineData(Transport.Http, "access")]
    [InlineData(Transport.Grpc, "access")]
    [InlineData(Transport.Http, "id")]
    [InlineData(Transport.Grpc, "id")]
    [InlineData(Transport.Http, "refresh")]
    [InlineData(Transport.Grpc, "refresh")]
    public async Task The_clusters_own_tokens_are_refused_as_subject_tokens(Transport transport, string which)
    {
        var issuing = fixture.Request();
        issuing.Scope.Add("openid");
        issuing.Scope.Add("offline_access");
        issuing.Audience.Add(AdversarialFixture.OrdersAudience);
        var issued = await wire.Exchanged(Transport.Grpc, issuing);
        var token = which switch { "access" => issued.AccessToken, "id" => issued.IdToken, _ => issued.RefreshToken };
        Assert.NotEmpty(token);

        foreach (var type in new[] { Clients.AccessTokenType, Clients.JwtType, IdTokenType })
        {
            var request = fixture.Request(token);
            request.SubjectTokenType = type;
            await wire.Refused(transport, request, "invalid_request");
        }
    }

    [Theory]
    [InlineData(Transport.Http, "urn:ietf:params:oauth:token-type:saml2")]
    [InlineData(Transport.Grpc, "urn:ietf:params:oauth:token-type:refresh_token")]
    [InlineData(Transport.Http, "urn:ietf:params:oauth:token-type:saml1")]
    [InlineData(Transport.Grpc, "urn:example:not-a-token-type")]
    public async Task A_subject_token_type_the_handler_does_not_accept_is_refused(Transport transport, string type)
    {
        var request = fixture.Request();
        request.SubjectTokenType = type;
        Assert.Contains("subject_token_type", await wire.Refused(transport, request, "invalid_request"));
    }

    private string IdToken(string marker) => AttackTokens.FromIdp(fixture.Idp, new Dictionary<string, object?> { [marker] = "n-0S6_WzA2Mj", ["auth_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });

    public void Dispose() => wire.Dispose();
}
