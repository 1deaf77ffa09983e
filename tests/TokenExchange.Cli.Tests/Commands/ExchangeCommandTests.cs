using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Cli.Tests.Commands;

/// <summary>The README's walkthrough: mint a subject token with txctl dev-token, exchange it with txctl exchange.</summary>
[Collection(CliCollection.Name)]
public sealed class ExchangeCommandTests(CliFixture fixture)
{
    private const string Secret = "orders-secret-0123456789abcdef";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Exchanges_a_dev_token_and_prints_the_json_response(bool overHttp)
    {
        var subjectToken = await DevToken("alice-ext-1");
        var server = overHttp ? fixture.Server.HttpAddress : fixture.Server.GrpcAddress;
        string[] args = ["exchange", "--server", server.ToString(), "--client-id", "orders-service", "--client-secret", Secret,
            "--handler", "dev-idp", "--scope", "api", "--scope", "openid", "--subject-token", subjectToken, "--subject-token-type", "jwt"];

        var (exitCode, output, error) = await CliFixture.Run(overHttp ? [.. args, "--http"] : args);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", root.GetProperty("issued_token_type").GetString());
        Assert.Equal("api openid", root.GetProperty("scope").GetString());
        Assert.True(root.GetProperty("expires_in").GetInt64() > 0);
        // dev-idp links no existing user: the dev subject named like the partner IdP's alice gets a user of its
        // own (created on its first exchange), never u-alice, whom only partner-idp's subject maps to.
        var user = new JsonWebToken(root.GetProperty("access_token").GetString()).Subject;
        Assert.Matches("^u-[0-9a-f]{24}$", user);
        Assert.Equal(user, new JsonWebToken(root.GetProperty("id_token").GetString()).Subject);
    }

    [Theory]
    [InlineData(false, "grpc Unauthenticated")]
    [InlineData(true, "http 401")]
    public async Task A_refused_exchange_prints_the_oauth_error_and_exits_1(bool overHttp, string transport)
    {
        var subjectToken = await DevToken("alice-ext-1");
        var server = overHttp ? fixture.Server.HttpAddress : fixture.Server.GrpcAddress;
        string[] args = ["exchange", "--server", server.ToString(), "--client-id", "orders-service", "--client-secret", "wrong-wrong-wrong-wrong",
            "--handler", "dev-idp", "--subject-token", subjectToken];

        var (exitCode, output, error) = await CliFixture.Run(overHttp ? [.. args, "--http"] : args);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        using var json = JsonDocument.Parse(error);
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
        Assert.Equal(transport, json.RootElement.GetProperty("transport").GetString());
    }

    [Theory]
    [InlineData(false, "--request-details", "request_details must be a JSON object, nested at most 8 deep")]
    [InlineData(true, "--request-details", "request_details must be a JSON object, nested at most 8 deep")]
    [InlineData(false, "--request-context", "request_context must be a JSON object, nested at most 8 deep")]
    [InlineData(true, "--request-context", "request_context must be a JSON object, nested at most 8 deep")]
    public async Task A_transaction_token_requests_details_and_context_reach_the_server(bool overHttp, string option, string refusal)
    {
        var server = overHttp ? fixture.Server.HttpAddress : fixture.Server.GrpcAddress;
        string[] args = ["exchange", "--server", server.ToString(), "--client-id", "orders-service", "--client-secret", Secret,
            "--subject-token", "a.b.c", "--requested-token-type", "txn_token", "--audience", "trust.example", "--scope", "api", option, "[1]"];

        var (exitCode, _, error) = await CliFixture.Run(overHttp ? [.. args, "--http"] : args);

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(error);
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
        Assert.Equal(refusal, json.RootElement.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_exits_3()
    {
        var (exitCode, _, error) = await CliFixture.Run("exchange", "--server", $"http://127.0.0.1:{ClosedPort()}",
            "--client-id", "orders-service", "--subject-token", "x");

        Assert.Equal(3, exitCode);
        Assert.Contains("cannot reach", error);
    }

    [Fact]
    public async Task Missing_required_options_exit_2_and_name_them()
    {
        var (exitCode, _, error) = await CliFixture.Run("exchange", "--client-id", "orders-service");

        Assert.Equal(2, exitCode);
        Assert.Contains("--subject-token", error);
    }

    private async Task<string> DevToken(string subject)
    {
        var (exitCode, output, error) = await CliFixture.Run("dev-token", "--server", fixture.Server.HttpAddress.ToString(), "--sub", subject);
        Assert.True(exitCode == 0, error);
        return output;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
