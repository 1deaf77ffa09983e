using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>
/// Inputs the config fuzz target found (README "Fuzzing", minimized): each once escaped the loader as an
/// ArgumentException, InvalidOperationException, ArgumentNullException or NullReferenceException; each is
/// now a <see cref="ConfigException"/> that says what is wrong.
/// </summary>
public sealed class ConfigLoaderMalformedYamlTests
{
    [Theory]
    // YamlDotNet's parser: a global tag that is not a URI (ArgumentException).
    [InlineData("!!$]", "not well-formed YAML")]
    // YamlDotNet's parser: tokens after a document end marker (InvalidOperationException).
    [InlineData("... x", "not well-formed YAML")]
    // YamlDotNet's scanner: an escape of a code point beyond U+10FFFF (ArgumentOutOfRangeException).
    [InlineData("\"\\Ue6666666\"", "not well-formed YAML")]
    public void Yaml_the_parser_cannot_read_is_a_config_error(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml));

        Assert.Contains(expected, Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Theory]
    // A key with no value read as null over the model's default (ArgumentNullException in the loader).
    [InlineData("apps:", "apps")]
    [InlineData("handlers:", "handlers")]
    [InlineData("users:", "users")]
    [InlineData("server:", "server")]
    [InlineData("apps:\n  - clientId: orders\n    allowedScopes:\n", "apps[0].allowedScopes")]
    [InlineData("apps:\n  - clientId: orders\n    tokenExchange:\n", "apps[0].tokenExchange")]
    [InlineData("handlers:\n  - name: idp\n    userMapping:\n", "handlers[0].userMapping")]
    public void A_key_with_no_value_is_refused_by_its_path(string yaml, string key)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml));

        Assert.Equal($"{key} is empty: give it a value or leave it out", Assert.Single(e.Problems));
    }

    [Fact]
    public void An_empty_key_whose_value_is_optional_stays_allowed()
    {
        var loaded = ConfigLoader.Parse("apps:\n  - { clientId: orders, clientSecret: orders-secret-0123456789abcdef, label:, secrets:, tlsClientAuth: }\n");

        Assert.Null(Assert.Single(loaded.Apps).Label);
    }

    [Theory]
    // An empty list item: a null app reached the loader (NullReferenceException), a null scope reached the definitions.
    [InlineData("apps: [~]", "line 1, column 7: a list item is empty")]
    [InlineData("apps: [{ clientId: orders, allowedScopes: [api, ~] }]", "line 1, column 43: a list item is empty")]
    public void An_empty_list_item_is_refused_with_its_line(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml));

        Assert.Equal(expected, Assert.Single(e.Problems));
    }
}
