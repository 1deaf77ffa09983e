using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class DevTokenCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task Mints_a_token_from_the_dev_issuer_with_the_given_subject_audience_and_claims()
    {
        var (exitCode, output, _) = await CliFixture.Run("dev-token", "--server", fixture.Server.HttpAddress.ToString(),
            "--sub", "carol-ext-9", "--aud", "token-exchange", "--ttl", "00:02:00", "--claim", "email_verified=true", "--claim", "email=carol@example.com");

        Assert.Equal(0, exitCode);
        var token = new JsonWebToken(output);
        Assert.Equal("carol-ext-9", token.Subject);
        Assert.Equal(fixture.Server.Issuer + "/dev-issuer", token.Issuer);
        Assert.Equal("token-exchange", token.Audiences.Single());
        Assert.True(token.GetPayloadValue<bool>("email_verified"));
        Assert.InRange((token.ValidTo - token.IssuedAt).TotalSeconds, 119, 121);
    }

    [Fact]
    public async Task A_bad_ttl_is_refused_by_the_dev_issuer()
    {
        var (exitCode, _, error) = await CliFixture.Run("dev-token", "--server", fixture.Server.HttpAddress.ToString(), "--sub", "x", "--ttl", "forever");

        Assert.Equal(1, exitCode);
        Assert.Contains("ttl", error);
    }

    [Fact]
    public async Task The_sub_option_is_required()
    {
        var (exitCode, _, error) = await CliFixture.Run("dev-token");

        Assert.Equal(2, exitCode);
        Assert.Contains("--sub", error);
    }
}
