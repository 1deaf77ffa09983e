using System.Text.Json;
using TokenExchange.Definitions;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class IntrospectionAccessTests
{
    private static AppDefinition ResourceServer(params string[] audiences) => App("reports") with { Introspection = new IntrospectionPolicy { Audiences = audiences } };

    [Fact]
    public void The_app_the_token_was_issued_to_may_introspect_it()
    {
        Assert.True(IntrospectionAccess.MayIntrospect(App("orders"), "orders", []));
    }

    [Fact]
    public void The_issued_to_app_is_compared_ordinally()
    {
        Assert.False(IntrospectionAccess.MayIntrospect(App("orders"), "Orders", []));
        Assert.False(IntrospectionAccess.MayIntrospect(App("orders"), "other", ["api"]));
        Assert.False(IntrospectionAccess.MayIntrospect(App("orders"), null, []));
    }

    [Fact]
    public void An_app_with_no_audiences_registered_may_not_introspect_another_apps_token()
    {
        Assert.False(IntrospectionAccess.MayIntrospect(App("reports"), "orders", ["api", "reports"]));
    }

    [Fact]
    public void A_resource_server_of_one_of_the_audiences_may_introspect()
    {
        Assert.True(IntrospectionAccess.MayIntrospect(ResourceServer("billing", "api"), "orders", ["web", "api"]));
        Assert.True(IntrospectionAccess.MayIntrospect(ResourceServer("api"), null, ["api"]));
    }

    [Fact]
    public void A_resource_server_of_none_of_the_audiences_may_not()
    {
        Assert.False(IntrospectionAccess.MayIntrospect(ResourceServer("billing", "api"), "orders", ["web", "API"]));
        Assert.False(IntrospectionAccess.MayIntrospect(ResourceServer("api"), "orders", []));
    }

    [Fact]
    public void An_aud_string_is_one_audience()
    {
        Assert.Equal(["api"], IntrospectionAccess.Audiences(Json("\"api\"")));
    }

    [Fact]
    public void An_aud_array_is_its_strings()
    {
        Assert.Equal(["api", "web"], IntrospectionAccess.Audiences(Json("[\"api\", \"web\"]")));
        Assert.Equal(["api", "web"], IntrospectionAccess.Audiences(Json("[\"api\", 1, null, {\"a\": \"b\"}, [\"x\"], true, \"web\"]")));
        Assert.Empty(IntrospectionAccess.Audiences(Json("[]")));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{\"aud\": \"api\"}")]
    public void Other_json_kinds_are_no_audiences(string json)
    {
        Assert.Empty(IntrospectionAccess.Audiences(Json(json)));
    }

    [Fact]
    public void A_missing_or_non_json_aud_is_no_audiences()
    {
        Assert.Empty(IntrospectionAccess.Audiences(null));
        Assert.Empty(IntrospectionAccess.Audiences("api"));
        Assert.Empty(IntrospectionAccess.Audiences(new[] { "api" }));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
