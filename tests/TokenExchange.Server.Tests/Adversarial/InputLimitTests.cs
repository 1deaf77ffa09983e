using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// Input the token endpoint must refuse by its shape: oversized tokens, parameters and bodies, repeated
/// parameters, invalid UTF-8 and control characters, wrong content types, oversized gRPC messages.
/// Each gets one specific error, and the server keeps serving.
/// </summary>
[Collection(AdversarialAloneCollection.Name)]
public sealed class InputLimitTests(AdversarialFixture fixture) : IDisposable
{
    private readonly Wire wire = new(fixture);

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_subject_token_of_ten_thousand_characters_works(Transport transport)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, new Dictionary<string, object?> { ["pad"] = new string('p', 7_000) });
        Assert.InRange(token.Length, 9_500, 10_000);
        Assert.NotEmpty((await wire.Exchanged(transport, fixture.Request(token))).AccessToken);
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task An_oversized_subject_token_is_refused(Transport transport)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, new Dictionary<string, object?> { ["pad"] = new string('p', 13_000) });
        Assert.Contains("subject_token is longer", await wire.Refused(transport, fixture.Request(token), "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http, "client_id")]
    [InlineData(Transport.Grpc, "client_id")]
    [InlineData(Transport.Http, "scope")]
    [InlineData(Transport.Grpc, "audience")]
    [InlineData(Transport.Http, "token_handler")]
    public async Task An_oversized_parameter_is_refused(Transport transport, string parameter)
    {
        var request = fixture.Request();
        var huge = new string('x', 2_000);
        switch (parameter)
        {
            case "client_id": request.ClientId = huge; break;
            case "scope": request.Scope.Add(huge); break;
            case "audience": request.Audience.Add(huge); break;
            default: request.TokenHandler = huge; break;
        }
        Assert.Contains(parameter, await wire.Refused(transport, request, "invalid_request"));
    }

    [Theory]
    [InlineData("subject_token")]
    [InlineData("grant_type")]
    [InlineData("client_id")]
    [InlineData("subject_token_type")]
    public async Task A_repeated_parameter_is_refused(string parameter)
    {
        var form = ValidForm();
        form.Add(new(parameter, form.First(p => p.Key == parameter).Value));
        var (status, error, description) = await Post(new FormUrlEncodedContent(form));
        Assert.Equal((400, "invalid_request"), (status, error));
        Assert.Contains(parameter, description);
    }

    [Theory]
    [InlineData("client_id", "orders%FFservice")]
    [InlineData("subject_token", "%C3%28")]
    [InlineData("scope", "api%ED%A0%80")]
    [InlineData("client_id", "orders-service%00")]
    [InlineData("scope", "api%0Aadmin")]
    [InlineData("token_handler", "partner%1B%5B31m")]
    [InlineData("audience", "https://orders.example%7F")]
    public async Task Invalid_utf8_and_control_characters_are_refused(string parameter, string encodedValue)
    {
        var body = string.Join('&', ValidForm().Where(p => p.Key != parameter).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + $"&{parameter}={encodedValue}";
        var (status, error, description) = await Post(new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal((400, "invalid_request"), (status, error));
        Assert.Contains(parameter, description);
    }

    [Theory]
    [InlineData(Transport.Grpc, "client_id")]
    [InlineData(Transport.Grpc, "scope")]
    [InlineData(Transport.Grpc, "subject_token")]
    public async Task Control_characters_in_grpc_fields_are_refused(Transport transport, string field)
    {
        var request = fixture.Request();
        switch (field)
        {
            case "client_id": request.ClientId = "orders-service\0"; break;
            case "scope": request.Scope.Add("api\nadmin"); break;
            default: request.SubjectToken += "\r\n"; break;
        }
        Assert.Contains(field, await wire.Refused(transport, request, "invalid_request"));
    }

    public static TheoryData<string> WrongContentTypes => ["json", "multipart", "none", "text"];

    [Theory]
    [MemberData(nameof(WrongContentTypes))]
    public async Task A_body_that_is_not_a_form_is_refused(string kind)
    {
        var form = ValidForm();
        HttpContent content = kind switch
        {
            "json" => JsonContent.Create(form.ToDictionary(p => p.Key, p => p.Value)),
            "multipart" => Multipart(form),
            "text" => new StringContent(string.Join('&', form.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")), Encoding.UTF8, "text/plain"),
            _ => new ByteArrayContent(Encoding.ASCII.GetBytes(string.Join('&', form.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")))),
        };
        var (status, error, description) = await Post(content);
        Assert.Equal((400, "invalid_request"), (status, error));
        Assert.Contains("application/x-www-form-urlencoded", description);
    }

    // Over 64 KiB (the token endpoint's limit) and over 1 MiB (Kestrel's); with a length, or chunked and found
    // out while reading. The 2 MiB body with a length asks 100-continue, as a client that wants its 413 does.
    [Theory]
    [InlineData(100 * 1024, false)]
    [InlineData(2 * 1024 * 1024, false)]
    [InlineData(100 * 1024, true)]
    [InlineData(300 * 1024, true)]
    public async Task A_body_over_the_limit_is_refused_with_413(int size, bool chunked)
    {
        var (status, error, _) = await Post(OversizedForm(size, chunked), expectContinue: size > 1024 * 1024);
        Assert.Equal((413, "invalid_request"), (status, error));
        Assert.NotEmpty((await wire.Exchanged(Transport.Http, fixture.Request())).AccessToken);
    }

    [Fact]
    public async Task A_form_with_too_many_fields_is_refused()
    {
        var form = ValidForm();
        form.AddRange(Enumerable.Range(0, 500).Select(i => new KeyValuePair<string, string>("f" + i, "v")));
        var (status, error, _) = await Post(new FormUrlEncodedContent(form));
        Assert.Equal((400, "invalid_request"), (status, error));
    }

    [Fact]
    public async Task A_grpc_message_over_64_KiB_is_resource_exhausted()
    {
        var request = fixture.Request();
        request.SubjectToken = new string('a', 70 * 1024);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await wire.Clients.Grpc.ExchangeAsync(request));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.NotEmpty((await wire.Exchanged(Transport.Grpc, fixture.Request())).AccessToken);
    }

    [Fact]
    public async Task Two_hundred_oversized_requests_leave_memory_bounded_and_the_server_serving()
    {
        await wire.Exchanged(Transport.Http, fixture.Request());
        var before = Settle();
        var chunkedAnswered = 0;
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(413, (await Post(OversizedForm(2 * 1024 * 1024, chunked: false), expectContinue: true)).Status);
            if (await PostAllowingReset(OversizedForm(200 * 1024, chunked: true))) chunkedAnswered++;
            await PostAllowingReset(OversizedForm(2 * 1024 * 1024, chunked: true));
            var request = fixture.Request();
            request.SubjectToken = new string('a', 200 * 1024);
            await Assert.ThrowsAsync<RpcException>(async () => await wire.Clients.Grpc.ExchangeAsync(request));
        }
        var after = Settle();

        // A reset can beat the 413 of a chunked body (PostAllowingReset), but not fifty times in a row.
        Assert.True(chunkedAnswered > 0, "no 200 KiB chunked request was answered 413");
        // 200 requests carried about 250 MB; what stays behind must not grow with them.
        Assert.True(after - before < 32 * 1024 * 1024, $"managed heap grew by {(after - before) / 1024 / 1024} MB");
        Assert.NotEmpty((await wire.Exchanged(Transport.Http, fixture.Request())).AccessToken);
        Assert.NotEmpty((await wire.Exchanged(Transport.Grpc, fixture.Request())).AccessToken);
    }

    private static long Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private List<KeyValuePair<string, string>> ValidForm() =>
    [
        new("grant_type", Clients.TokenExchangeGrant),
        new("client_id", "orders-service"),
        new("client_secret", AdversarialFixture.OrdersSecret),
        new("subject_token", fixture.Idp.Token()),
        new("subject_token_type", Clients.AccessTokenType),
        new("token_handler", "partner"),
        new("scope", "api"),
    ];

    private HttpContent OversizedForm(int size, bool chunked)
    {
        var body = Encoding.ASCII.GetBytes(string.Join('&', ValidForm().Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + "&pad=" + new string('a', size));
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    private static MultipartFormDataContent Multipart(IEnumerable<KeyValuePair<string, string>> form)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in form) content.Add(new StringContent(value), name);
        return content;
    }

    /// <summary>
    /// A client still streaming a chunked body when the server answers 413 and closes may see the connection
    /// reset (or its writes refused: a broken pipe) before it reads the answer: that, or the 413, is the outcome.
    /// On a busy machine this happens to 200 KiB bodies too (CI on 787f1a5). True when the 413 was read.
    /// </summary>
    private async Task<bool> PostAllowingReset(HttpContent content)
    {
        try
        {
            Assert.Equal(413, (await Post(content)).Status);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<(int Status, string? Error, string Description)> Post(HttpContent content, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = content };
        if (content is StreamContent) request.Headers.TransferEncodingChunked = true;
        if (expectContinue) request.Headers.ExpectContinue = true;
        using var response = await wire.Clients.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonDocument.Parse(text).RootElement : default;
        return ((int)response.StatusCode,
            body.ValueKind == JsonValueKind.Object ? body.GetProperty("error").GetString() : null,
            body.ValueKind == JsonValueKind.Object ? body.GetProperty("error_description").GetString() ?? "" : text);
    }

    public void Dispose() => wire.Dispose();
}
