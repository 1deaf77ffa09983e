using TokenExchange.Clients;
using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

public class ParseAppTests
{
    [Fact]
    public void A_plaintext_secret_is_stored_as_its_hash_and_a_hint_of_its_last_characters()
    {
        var secret = ClientSecretHasher.Generate();
        var existing = ClientSecretHasher.Hash("an-older-secret-0123456789");

        var app = ConfigLoader.ParseApp(new AppModel { ClientId = "web", ClientSecret = secret, ClientSecretHashes = [existing], TokenExchange = new() { Enabled = true } });

        Assert.Equal([ClientSecretHasher.Hash(secret), existing], app.SecretHashes);
        Assert.Equal(["…" + secret[^4..], ""], app.SecretHints);
        Assert.DoesNotContain(app.SecretHashes.Concat(app.SecretHints), s => s.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Generated_secrets_are_long_distinct_and_url_safe()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => ClientSecretHasher.Generate()).ToList();
        Assert.Equal(20, secrets.Distinct().Count());
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
    }

    [Fact]
    public void Every_problem_of_an_app_is_reported_at_once()
    {
        var refused = Assert.Throws<ConfigException>(() => ConfigLoader.ParseApp(new AppModel
        {
            ClientId = " ",
            TokenExchange = new() { Enabled = true, RequireSecret = true },
            AccessToken = new() { Format = "paseto", Lifetime = "2.00:00:00" },
        }));

        Assert.Equal(
            [
                "app.clientId is required",
                "app: requireSecret is true but no clientSecret or clientSecretHashes is given",
                "app.accessToken.format 'paseto' is not supported (supported: jwt, opaque)",
                "app.accessToken.lifetime must be more than zero and at most one day",
            ],
            refused.Problems);
    }
}
