using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;

namespace TokenExchange.Core.Tests.Exchange;

public sealed class ExchangePipelineAuthorizeTests
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private const string OrdersAudience = "https://orders.example";

    private static readonly ExchangeLimits Limits = new() { MaxTokenLength = 100, MaxParameterLength = 50, MaxRepeatedValues = 3 };

    private static readonly AppDefinition Orders = App("orders") with
    {
        AllowedScopes = ["api", "openid"],
        AllowedAudiences = [OrdersAudience],
    };

    private static readonly DefinitionSnapshot Definitions = new(
        1,
        [
            Orders,
            App("public") with { RequireSecret = false, SecretHashes = [] },
            App("switched-off") with { TokenExchangeEnabled = false },
            App("no-default"),
            App("no-audience") with { AllowedAudiences = [] },
            App("two-audiences") with { AllowedAudiences = ["https://a.example", "https://b.example"] },
        ],
        [
            new HandlerDefinition
            {
                Name = "partner-idp",
                AcceptedTokenTypes = [TokenTypes.AccessToken, TokenTypes.Jwt, TokenTypes.IdToken],
                Enablements =
                [
                    Enable("orders", isDefault: true), Enable("public", isDefault: true), Enable("switched-off", isDefault: true),
                    Enable("no-default"), Enable("no-audience", isDefault: true), Enable("two-audiences", isDefault: true),
                ],
            },
            new HandlerDefinition { Name = "jwt-only", AcceptedTokenTypes = [TokenTypes.Jwt], Enablements = [Enable("orders")] },
            new HandlerDefinition { Name = "elsewhere", AcceptedTokenTypes = [TokenTypes.AccessToken], Enablements = [] },
            new HandlerDefinition { Name = "switched-off-idp", Enabled = false, AcceptedTokenTypes = [TokenTypes.AccessToken], Enablements = [Enable("orders")] },
        ]);

    private readonly ExchangePipeline authorizer = new(Limits);

    private static AppDefinition App(string clientId) => new()
    {
        ClientId = clientId,
        SecretHashes = [ClientSecretHasher.Hash(Secret)],
        TokenExchangeEnabled = true,
        RequireSecret = true,
        AllowedScopes = ["api"],
        AllowedAudiences = ["https://" + clientId + ".example"],
    };

    private static HandlerAppEnablement Enable(string clientId, bool isDefault = false) =>
        new() { ClientId = clientId, Default = isDefault, AllowUserCreation = true };

    private static ExchangeRequest Request(string clientId = "orders") => new()
    {
        ClientId = clientId,
        ClientSecret = Secret,
        SubjectToken = "header.payload.signature",
        SubjectTokenType = TokenTypes.AccessToken,
    };

    private OAuthError Refused(ExchangeRequest request, string expectedCode)
    {
        var result = authorizer.Authorize(request, Definitions);
        Assert.Null(result.Exchange);
        var error = Assert.IsType<OAuthError>(result.Error);
        Assert.Equal(expectedCode, error.Code);
        return error;
    }

    private AuthorizedExchange Authorized(ExchangeRequest request)
    {
        var result = authorizer.Authorize(request, Definitions);
        Assert.Null(result.Error);
        return Assert.IsType<AuthorizedExchange>(result.Exchange);
    }

    // Request shape

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_client_id_is_invalid_request(string? clientId)
    {
        Refused(Request() with { ClientId = clientId }, OAuthErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_subject_token_is_invalid_request(string? token)
    {
        Refused(Request() with { SubjectToken = token }, OAuthErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_subject_token_type_is_invalid_request(string? type)
    {
        Refused(Request() with { SubjectTokenType = type }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Subject_token_at_the_length_limit_is_accepted()
    {
        Authorized(Request() with { SubjectToken = new string('a', Limits.MaxTokenLength) });
    }

    [Fact]
    public void Subject_token_over_the_length_limit_is_invalid_request()
    {
        Refused(Request() with { SubjectToken = new string('a', Limits.MaxTokenLength + 1) }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Default_limits_accept_a_subject_token_of_ten_thousand_characters()
    {
        var result = new ExchangePipeline(new ExchangeLimits()).Authorize(Request() with { SubjectToken = new string('a', 10_000) }, Definitions);

        Assert.Null(result.Error);
    }

    [Fact]
    public void Overlong_actor_token_is_invalid_request()
    {
        Refused(Request() with { ActorToken = new string('a', Limits.MaxTokenLength + 1) }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Overlong_client_id_is_invalid_request()
    {
        Refused(Request(new string('c', Limits.MaxParameterLength + 1)), OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Overlong_client_secret_is_invalid_request()
    {
        Refused(Request() with { ClientSecret = new string('s', Limits.MaxParameterLength + 1) }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Overlong_token_handler_is_invalid_request()
    {
        Refused(Request() with { TokenHandler = new string('h', Limits.MaxParameterLength + 1) }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Overlong_requested_token_type_is_invalid_request()
    {
        Refused(Request() with { RequestedTokenType = new string('r', Limits.MaxParameterLength + 1) }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Overlong_scope_value_is_invalid_request()
    {
        Refused(Request() with { Scopes = [new string('s', Limits.MaxParameterLength + 1)] }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Empty_scope_value_is_invalid_request()
    {
        Refused(Request() with { Scopes = ["api", ""] }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Too_many_scopes_is_invalid_request()
    {
        Refused(Request() with { Scopes = ["a", "b", "c", "d"] }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Too_many_audiences_is_invalid_request()
    {
        Refused(Request() with { Audiences = ["a", "b", "c", "d"] }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Too_many_resources_is_invalid_request()
    {
        Refused(Request() with { Resources = ["a", "b", "c", "d"] }, OAuthErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:unknown")]
    [InlineData("urn:example:custom-token")]
    [InlineData("bearer")]
    public void Unknown_subject_token_type_is_invalid_request(string type)
    {
        Refused(Request() with { SubjectTokenType = type }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void An_actor_token_is_authorized_with_its_type_normalized()
    {
        var exchange = Authorized(Request() with { ActorToken = "actor.token.value", ActorTokenType = "urn:ietf:params:oauth:token-type:JWT" });

        Assert.Equal("actor.token.value", exchange.ActorToken);
        Assert.Equal(TokenTypes.Jwt, exchange.ActorTokenType);
    }

    [Fact]
    public void Actor_token_alone_is_invalid_request()
    {
        Refused(Request() with { ActorToken = "actor.token.value" }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void An_actor_token_type_the_handler_does_not_accept_is_invalid_request()
    {
        Refused(Request() with { ActorToken = "actor.token.value", ActorTokenType = TokenTypes.Saml2 }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Actor_token_type_alone_is_invalid_request()
    {
        Refused(Request() with { ActorTokenType = TokenTypes.AccessToken }, OAuthErrorCodes.InvalidRequest);
    }

    // Client authentication

    [Fact]
    public void Unknown_client_is_invalid_client()
    {
        Refused(Request("nobody"), OAuthErrorCodes.InvalidClient);
    }

    [Fact]
    public void Wrong_secret_is_invalid_client_and_the_description_does_not_echo_it()
    {
        const string wrong = "wrong-secret-0123456789abcdef";

        var error = Refused(Request() with { ClientSecret = wrong }, OAuthErrorCodes.InvalidClient);

        Assert.DoesNotContain(wrong, error.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Reason ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_client_and_wrong_secret_have_the_same_description()
    {
        var unknown = Refused(Request("nobody"), OAuthErrorCodes.InvalidClient);
        var wrong = Refused(Request() with { ClientSecret = "wrong-secret-0123456789abcdef" }, OAuthErrorCodes.InvalidClient);

        Assert.Equal(unknown.Description, wrong.Description);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_secret_where_required_is_invalid_client(string? secret)
    {
        Refused(Request() with { ClientSecret = secret }, OAuthErrorCodes.InvalidClient);
    }

    [Fact]
    public void Missing_secret_where_not_required_is_accepted()
    {
        Authorized(Request("public") with { ClientSecret = null });
    }

    [Fact]
    public void Secret_presented_where_not_required_is_still_checked()
    {
        Refused(Request("public") with { ClientSecret = "wrong-secret-0123456789abcdef" }, OAuthErrorCodes.InvalidClient);
    }


    [Fact]
    public void An_authentication_the_caller_already_made_is_the_one_used_not_repeated()
    {
        // The front door authenticates once, for the rate limits and for step 1: its refusal stands even where the
        // request's own credentials would pass, and its app is taken as it is.
        var refusal = Errors.InvalidClient(ClientAuthentication.Failed, "client_secret does not match");
        var refused = authorizer.Authorize(Request(), Definitions, (null, refusal));
        Assert.Same(refusal, refused.Error);

        var authorized = authorizer.Authorize(Request() with { ClientSecret = "wrong-secret-0123456789abcdef" }, Definitions, (Orders, null));
        Assert.Same(Orders, Assert.IsType<AuthorizedExchange>(authorized.Exchange).App);
    }
    // App policy and handler choice

    [Fact]
    public void Token_exchange_disabled_for_the_app_is_unauthorized_client()
    {
        Refused(Request("switched-off"), OAuthErrorCodes.UnauthorizedClient);
    }

    [Fact]
    public void No_handler_named_and_no_default_is_invalid_request()
    {
        Refused(Request("no-default"), OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Unknown_handler_is_invalid_request()
    {
        Refused(Request() with { TokenHandler = "no-such-handler" }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Handler_not_enabled_for_the_app_is_unauthorized_client()
    {
        Refused(Request() with { TokenHandler = "elsewhere" }, OAuthErrorCodes.UnauthorizedClient);
    }

    [Fact]
    public void Disabled_handler_is_unauthorized_client()
    {
        Refused(Request() with { TokenHandler = "switched-off-idp" }, OAuthErrorCodes.UnauthorizedClient);
    }

    [Fact]
    public void Subject_token_type_the_handler_does_not_accept_is_invalid_request()
    {
        Refused(Request() with { TokenHandler = "jwt-only", SubjectTokenType = TokenTypes.AccessToken }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Saml2_subject_token_for_a_jwt_handler_is_invalid_request()
    {
        Refused(Request() with { SubjectTokenType = TokenTypes.Saml2 }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Named_handler_is_used_instead_of_the_default()
    {
        var exchange = Authorized(Request() with { TokenHandler = "jwt-only", SubjectTokenType = TokenTypes.Jwt });

        Assert.Equal("jwt-only", exchange.HandlerName);
        Assert.Equal("orders", exchange.Enablement.ClientId);
        Assert.False(exchange.Enablement.Default);
    }

    [Fact]
    public void Named_handler_works_for_an_app_without_default()
    {
        var exchange = Authorized(Request("no-default") with { TokenHandler = "partner-idp" });

        Assert.Equal("partner-idp", exchange.HandlerName);
    }

    // Requested token type

    [Fact]
    public void Requested_refresh_token_is_invalid_request()
    {
        Refused(Request() with { RequestedTokenType = TokenTypes.RefreshToken }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Requested_saml2_is_invalid_request()
    {
        Refused(Request() with { RequestedTokenType = TokenTypes.Saml2 }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Unknown_requested_token_type_is_invalid_request()
    {
        Refused(Request() with { RequestedTokenType = "urn:example:whatever" }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Requested_id_token_without_openid_is_invalid_request()
    {
        Refused(Request() with { RequestedTokenType = TokenTypes.IdToken, Scopes = ["api"] }, OAuthErrorCodes.InvalidRequest);
    }

    [Fact]
    public void Requested_id_token_with_openid_is_accepted()
    {
        var exchange = Authorized(Request() with { RequestedTokenType = TokenTypes.IdToken, Scopes = ["openid"] });

        Assert.Equal(TokenTypes.IdToken, exchange.RequestedTokenType);
    }

    [Fact]
    public void Requested_jwt_is_accepted_and_normalized()
    {
        var exchange = Authorized(Request() with { RequestedTokenType = "urn:ietf:params:oauth:token-type:JWT" });

        Assert.Equal(TokenTypes.Jwt, exchange.RequestedTokenType);
    }

    [Fact]
    public void Requested_token_type_defaults_to_access_token()
    {
        Assert.Equal(TokenTypes.AccessToken, Authorized(Request()).RequestedTokenType);
    }

    // Scopes and targets

    [Fact]
    public void Scope_not_allowed_for_the_app_is_invalid_scope()
    {
        Refused(Request() with { Scopes = ["api", "admin"] }, OAuthErrorCodes.InvalidScope);
    }

    [Fact]
    public void Scope_match_is_case_sensitive()
    {
        Refused(Request() with { Scopes = ["API"] }, OAuthErrorCodes.InvalidScope);
    }

    [Fact]
    public void A_scope_with_control_characters_is_a_malformed_request_and_not_echoed()
    {
        var error = Refused(Request() with { Scopes = ["bad\r\nscope"] }, OAuthErrorCodes.InvalidRequest);

        Assert.Equal("scope contains control characters, line separators or invalid UTF-8", error.Description);
        Assert.DoesNotContain('\n', error.Description);
        Assert.DoesNotContain('\r', error.Description);
    }

    [Fact]
    public void Granted_scopes_are_the_requested_ones_without_duplicates()
    {
        var exchange = Authorized(Request() with { Scopes = ["api", "api"] });

        Assert.Equal(["api"], exchange.Scopes);
    }

    [Fact]
    public void No_scope_requested_grants_none()
    {
        Assert.Empty(Authorized(Request()).Scopes);
    }

    [Fact]
    public void Audience_not_allowed_is_invalid_target()
    {
        Refused(Request() with { Audiences = ["https://evil.example"] }, OAuthErrorCodes.InvalidTarget);
    }

    [Fact]
    public void Resource_not_allowed_is_invalid_target()
    {
        Refused(Request() with { Resources = ["https://evil.example"] }, OAuthErrorCodes.InvalidTarget);
    }

    [Fact]
    public void One_allowed_target_among_a_disallowed_one_is_invalid_target()
    {
        Refused(Request() with { Audiences = [OrdersAudience], Resources = ["https://evil.example"] }, OAuthErrorCodes.InvalidTarget);
    }

    [Fact]
    public void Allowed_audience_and_resource_are_merged_without_duplicates()
    {
        var exchange = Authorized(Request("two-audiences") with { Audiences = ["https://a.example"], Resources = ["https://b.example", "https://a.example"] });

        Assert.Equal(["https://a.example", "https://b.example"], exchange.Audiences);
    }

    [Fact]
    public void No_audience_asked_with_one_allowed_gets_that_one()
    {
        Assert.Equal([OrdersAudience], Authorized(Request()).Audiences);
    }

    [Fact]
    public void No_audience_asked_with_none_allowed_gets_the_client_id()
    {
        Assert.Equal(["no-audience"], Authorized(Request("no-audience")).Audiences);
    }

    [Fact]
    public void App_with_no_allowed_audience_cannot_name_one()
    {
        Refused(Request("no-audience") with { Audiences = ["https://orders.example"] }, OAuthErrorCodes.InvalidTarget);
    }

    [Fact]
    public void No_audience_asked_with_several_allowed_is_invalid_target()
    {
        Refused(Request("two-audiences"), OAuthErrorCodes.InvalidTarget);
    }

    // Success

    [Fact]
    public void Success_fills_the_authorized_exchange_with_the_default_handler()
    {
        var request = Request() with { Scopes = ["api", "openid"], Audiences = [OrdersAudience] };

        var exchange = Authorized(request);

        Assert.Equal("partner-idp", exchange.HandlerName);
        Assert.Same(Definitions.Apps["orders"], exchange.App);
        Assert.Equal("orders", exchange.Enablement.ClientId);
        Assert.True(exchange.Enablement.Default);
        Assert.Equal(request.SubjectToken, exchange.SubjectToken);
        Assert.Equal(TokenTypes.AccessToken, exchange.SubjectTokenType);
        Assert.Equal(TokenTypes.AccessToken, exchange.RequestedTokenType);
        Assert.Equal(["api", "openid"], exchange.Scopes);
        Assert.Equal([OrdersAudience], exchange.Audiences);
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:JWT")]
    [InlineData("urn:ietf:params:oauth:token-type:jwt")]
    [InlineData("URN:IETF:PARAMS:OAUTH:TOKEN-TYPE:JWT")]
    public void Subject_token_type_is_normalized_whatever_its_case(string type)
    {
        var exchange = Authorized(Request() with { SubjectTokenType = type });

        Assert.Equal(TokenTypes.Jwt, exchange.SubjectTokenType);
    }

    [Fact]
    public void Empty_token_handler_means_the_default()
    {
        Assert.Equal("partner-idp", Authorized(Request() with { TokenHandler = "" }).HandlerName);
    }

    [Fact]
    public void An_empty_actor_token_and_type_mean_no_actor()
    {
        var exchange = Authorized(Request() with { ActorToken = "", ActorTokenType = "" });

        Assert.Null(exchange.ActorToken);
        Assert.Null(exchange.ActorTokenType);
    }
}
