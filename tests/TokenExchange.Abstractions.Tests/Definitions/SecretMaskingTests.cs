using TokenExchange.Definitions;

namespace TokenExchange.Abstractions.Tests.Definitions;

/// <summary>Definitions written out as text (a log line, a debugger, an exception) never carry a secret.</summary>
public sealed class SecretMaskingTests
{
    [Fact]
    public void An_introspection_handlers_client_secret_is_masked_in_its_text()
    {
        var trust = new IntrospectionTrust { Endpoint = "https://idp.example/introspect", ClientId = "token-exchange", ClientSecret = "idp-secret-never-printed" };

        var text = new HandlerDefinition { Name = "opaque", Introspection = trust }.ToString() + trust;

        Assert.DoesNotContain("idp-secret-never-printed", text);
        Assert.Contains("ClientSecret = <redacted", text);
        Assert.Contains("ClientId = token-exchange", text);
    }
}
