using System.Net.Http.Json;
using System.Text.Json;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>Each rule's exact OAuth error, over gRPC (status + ErrorInfo reason) and over HTTP (status + JSON).</summary>
[Collection(ServerCollection.Name)]
public sealed class ErrorTests(ServerFixture fixture) : IDisposable
{
    private readonly Clients clients = new(fixture);

    [Theory]
    [MemberData(nameof(ErrorCases.Names), MemberType = typeof(ErrorCases))]
    public async Task Grpc_refuses_with_the_matching_status_and_oauth_code(string name)
    {
        var @case = ErrorCases.All[name];
        var request = @case.Build(fixture);

        var (status, code, message) = await clients.GrpcFailure(request);

        Assert.Equal(@case.GrpcStatus, status);
        Assert.Equal(@case.Code, code);
        AssertLeaksNothing(message, request);
    }

    [Theory]
    [MemberData(nameof(ErrorCases.Names), MemberType = typeof(ErrorCases))]
    public async Task Http_refuses_with_the_matching_status_and_oauth_json(string name)
    {
        var @case = ErrorCases.All[name];
        var request = @case.Build(fixture);

        using var response = await clients.PostToken(request);

        Assert.Equal(@case.HttpStatus, (int)response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(@case.Code, body.GetProperty("error").GetString());
        AssertLeaksNothing(body.GetProperty("error_description").GetString()!, request);
    }

    [Fact]
    public async Task Signature_failures_share_one_description_so_the_endpoint_is_no_oracle()
    {
        var descriptions = new HashSet<string>();
        foreach (var name in new[] { "bad signature", "unknown kid", "disallowed algorithm", "alg none", "hmac with the public key" })
        {
            var (_, _, message) = await clients.GrpcFailure(ErrorCases.All[name].Build(fixture));
            descriptions.Add(message);
        }
        Assert.Single(descriptions);
    }

    private static void AssertLeaksNothing(string description, Protos.V1.ExchangeRequest request)
    {
        Assert.False(string.IsNullOrWhiteSpace(description));
        if (request.ClientSecret.Length > 0) Assert.DoesNotContain(request.ClientSecret, description);
        if (request.SubjectToken.Length > 10) Assert.DoesNotContain(request.SubjectToken, description);
        Assert.DoesNotContain(ServerFixture.OrdersSecret, description);
    }

    public void Dispose() => clients.Dispose();
}
