using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;

namespace TokenExchange.Server.Tests.Grpc;

/// <summary>ExchangeStream over the wire: answers by id, failures as answers, many in flight, cancellation.</summary>
[Collection(ServerCollection.Name)]
public sealed class ExchangeStreamTests(ServerFixture fixture) : IDisposable
{
    private readonly Clients clients = new(fixture);

    [Fact]
    public async Task Each_answer_carries_the_id_of_the_request_it_answers()
    {
        // Requests differ by id: every third asks for openid (an id token comes back), the others do not.
        var requests = Enumerable.Range(0, 30).Select(i => Message((ulong)(1000 + i), WithScopes(Requests.Orders(fixture), i % 3 == 0 ? ["api", "openid"] : ["api"]))).ToList();

        var answers = await Exchange(requests);

        Assert.Equal(requests.Select(r => r.Id).Order(), answers.Keys.Order());
        foreach (var (id, answer) in answers)
        {
            Assert.Equal(ExchangeStreamResponse.ResultOneofCase.Response, answer.ResultCase);
            var asksOpenId = (id - 1000) % 3 == 0;
            Assert.Equal(asksOpenId ? "api openid" : "api", answer.Response.Scope);
            Assert.Equal(asksOpenId, answer.Response.IdToken.Length > 0);
            Assert.Equal("u-alice", new JsonWebToken(answer.Response.AccessToken).Subject);
        }
    }

    [Fact]
    public async Task Failures_are_answers_with_the_oauth_error_and_the_status_of_the_unary_call_and_the_stream_goes_on()
    {
        var wrongSecret = Requests.Orders(fixture);
        wrongSecret.ClientSecret = "wrong-secret-0123456789abcdef";
        var wrongScope = WithScopes(Requests.Orders(fixture), ["admin"]);
        var unknownUser = Requests.Orders(fixture, fixture.Idp.Token("nobody-" + Guid.NewGuid().ToString("N")));
        unknownUser.ClientId = "billing-service";
        unknownUser.ClientSecret = ServerFixture.BillingSecret;
        var requests = new List<ExchangeStreamRequest>
        {
            Message(1, Requests.Orders(fixture)),
            Message(2, wrongSecret),
            Message(3, Requests.Orders(fixture, fixture.Idp.TamperedToken())),
            new() { Id = 4 }, // malformed: no request
            Message(5, wrongScope),
            Message(6, unknownUser),
            Message(7, Requests.Orders(fixture)),
        };

        var answers = await Exchange(requests);

        Assert.Equal(7, answers.Count);
        Assert.Equal(ExchangeStreamResponse.ResultOneofCase.Response, answers[1].ResultCase);
        AssertError(answers[2], "invalid_client", StatusCode.Unauthenticated);
        AssertError(answers[3], "invalid_request", StatusCode.InvalidArgument);
        AssertError(answers[4], "invalid_request", StatusCode.InvalidArgument);
        AssertError(answers[5], "invalid_scope", StatusCode.InvalidArgument);
        AssertError(answers[6], "invalid_grant", StatusCode.PermissionDenied);
        Assert.Equal(ExchangeStreamResponse.ResultOneofCase.Response, answers[7].ResultCase);

        // The same request fails the same way on the unary call.
        var unary = await clients.GrpcFailure(wrongSecret);
        Assert.Equal(((StatusCode)answers[2].Error.GrpcStatus, answers[2].Error.Error, answers[2].Error.ErrorDescription), (unary.Status, unary.Code, unary.Message));
    }

    [Fact]
    public async Task Far_more_requests_than_the_in_flight_bound_are_all_answered_once()
    {
        const int count = 2000;
        var valid = Requests.Orders(fixture);
        var invalid = Requests.Orders(fixture, fixture.Idp.TamperedToken());
        var requests = Enumerable.Range(0, count).Select(i => Message((ulong)i, i % 10 == 0 ? invalid : valid)).ToList();

        var answers = await Exchange(requests);

        Assert.Equal(count, answers.Count);
        Assert.All(answers, a => Assert.Equal(a.Key % 10 == 0 ? ExchangeStreamResponse.ResultOneofCase.Error : ExchangeStreamResponse.ResultOneofCase.Response, a.Value.ResultCase));
    }

    [Fact]
    public async Task A_client_that_cancels_ends_its_stream_and_the_server_serves_the_next_one()
    {
        using var cancel = new CancellationTokenSource();
        using (var call = clients.Grpc.ExchangeStream(cancellationToken: cancel.Token))
        {
            for (ulong id = 0; id < 50; id++) await call.RequestStream.WriteAsync(Message(id, Requests.Orders(fixture)));
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await cancel.CancelAsync();

            var e = await Assert.ThrowsAnyAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            });
            Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        }

        var answers = await Exchange([Message(1, Requests.Orders(fixture))]);
        Assert.Equal(ExchangeStreamResponse.ResultOneofCase.Response, answers[1].ResultCase);
    }

    public void Dispose() => clients.Dispose();

    /// <summary>Writes every request while reading answers concurrently (as a pipelining client must), then collects them by id.</summary>
    private async Task<Dictionary<ulong, ExchangeStreamResponse>> Exchange(IReadOnlyList<ExchangeStreamRequest> requests)
    {
        using var call = clients.Grpc.ExchangeStream();
        var reading = Task.Run(async () =>
        {
            var answers = new Dictionary<ulong, ExchangeStreamResponse>();
            await foreach (var answer in call.ResponseStream.ReadAllAsync()) Assert.True(answers.TryAdd(answer.Id, answer), $"answer {answer.Id} came twice");
            return answers;
        });
        foreach (var request in requests) await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        return await reading;
    }

    private static ExchangeStreamRequest Message(ulong id, ExchangeRequest request) => new() { Id = id, Request = request };

    private static ExchangeRequest WithScopes(ExchangeRequest request, string[] scopes)
    {
        request.Scope.Clear();
        request.Scope.Add(scopes);
        return request;
    }

    private static void AssertError(ExchangeStreamResponse answer, string code, StatusCode status)
    {
        Assert.Equal(ExchangeStreamResponse.ResultOneofCase.Error, answer.ResultCase);
        Assert.Equal(code, answer.Error.Error);
        Assert.Equal(status, (StatusCode)answer.Error.GrpcStatus);
        Assert.False(string.IsNullOrEmpty(answer.Error.ErrorDescription));
    }
}
