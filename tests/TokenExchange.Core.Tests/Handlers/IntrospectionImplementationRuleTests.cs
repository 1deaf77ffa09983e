using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// The introspection handler's rules on the IdP's answer at their edges (RFC 7662 section 2.2): the active flag
/// only as a JSON boolean, exp at the ends of the NumericDate range, aud as a string, an array or neither,
/// email_verified only as JSON true, empty values as none, the answer's size limit with and without a
/// Content-Length, and that a full cache is reported only when it is full (issue 18).
/// </summary>
public sealed class IntrospectionImplementationRuleTests : IDisposable
{
    private const string Endpoint = "https://idp.example/oauth2/introspect";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly IntrospectionHttpHandler idp = new();
    private readonly HttpClient http;
    private readonly TestMeterFactory meters = new();
    private readonly FakeLogger logger = new();

    public IntrospectionImplementationRuleTests() => http = new HttpClient(idp);

    public void Dispose()
    {
        http.Dispose();
        meters.Dispose();
    }

    private IntrospectionImplementation Implementation(Func<IntrospectionTrust, IntrospectionTrust>? change = null, string[]? audiences = null)
    {
        var trust = new IntrospectionTrust { Endpoint = Endpoint, ClientId = "token-exchange", ClientSecret = "our-secret-at-the-idp", Issuer = "https://configured.example" };
        return new(Definition(change is null ? trust : change(trust), audiences), http, time, logger, new TokenExchangeMetrics(meters));
    }

    private static HandlerDefinition Definition(IntrospectionTrust trust, string[]? audiences = null) => new()
    {
        Name = "opaque-idp",
        Implementation = HandlerImplementations.Introspection,
        AcceptedTokenTypes = [TokenTypes.AccessToken],
        Introspection = trust,
        Trust = new JwtTrust { Audiences = audiences ?? [] },
        Timeout = TimeSpan.FromSeconds(2),
    };

    private static ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> Validate(IntrospectionImplementation implementation, string token = "opaque-token-1") =>
        implementation.ValidateAsync(new AuthorizedExchange
        {
            App = new AppDefinition { ClientId = "app" },
            Enablement = new HandlerAppEnablement { ClientId = "app" },
            HandlerName = "opaque-idp",
            SubjectToken = token,
            SubjectTokenType = TokenTypes.AccessToken,
            RequestedTokenType = TokenTypes.AccessToken,
        }, CancellationToken.None);

    private static HttpResponseMessage Raw(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static void AssertServerError((ValidatedSubject? Subject, OAuthError? Error) result)
    {
        Assert.Null(result.Subject);
        Assert.Equal(OAuthErrorCodes.ServerError, result.Error?.Code);
    }

    // --- The endpoint ---

    [Theory]
    [InlineData("not a url")]
    [InlineData("/relative/introspect")]
    [InlineData("ftp://idp.example/introspect")]
    public void An_endpoint_that_is_not_an_absolute_http_url_is_refused(string endpoint) =>
        Assert.Throws<InvalidOperationException>(() => Implementation(t => t with { Endpoint = endpoint }));

    [Fact]
    public async Task A_plain_http_endpoint_is_allowed()
    {
        var (subject, error) = await Validate(Implementation(t => t with { Endpoint = "http://idp.internal/introspect" }));

        Assert.Null(error);
        Assert.Equal("alice-ext-1", subject!.Subject);
        Assert.Equal(new Uri("http://idp.internal/introspect"), idp.Received.Single().Uri);
    }

    [Fact]
    public async Task The_request_asks_for_json()
    {
        await Validate(Implementation());
        await Validate(Implementation(t => t with { UseUserinfo = true }), "another-token");

        Assert.All(idp.Received, r => Assert.Equal("application/json", r.Accept));
    }

    // --- The active flag ---

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("null")]
    public async Task An_active_flag_that_is_not_a_json_boolean_is_a_server_error(string active)
    {
        idp.Answer = _ => Raw($$"""{"active":{{active}},"sub":"alice-ext-1"}""");

        AssertServerError(await Validate(Implementation()));
    }

    // --- exp at the ends of the NumericDate range ---

    [Fact]
    public async Task An_exp_of_zero_is_a_time_long_past()
    {
        idp.Answer = _ => Raw("""{"active":true,"sub":"alice-ext-1","exp":0}""");

        var (subject, error) = await Validate(Implementation());

        Assert.Null(subject);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, error?.Code);
        Assert.Equal("subject_token has expired", error?.Description);
    }

    [Fact]
    public async Task An_exp_at_the_last_second_of_the_year_9999_is_a_time()
    {
        idp.Answer = _ => Raw("""{"active":true,"sub":"alice-ext-1","exp":253402300799}""");

        var (subject, error) = await Validate(Implementation());

        Assert.Null(error);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(253402300799), subject!.ExpiresAt);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("253402300800")]
    [InlineData("\"1750000000\"")]
    public async Task An_exp_outside_the_range_or_not_a_number_is_a_server_error(string exp)
    {
        idp.Answer = _ => Raw($$"""{"active":true,"sub":"alice-ext-1","exp":{{exp}}}""");

        AssertServerError(await Validate(Implementation()));
    }

    [Fact]
    public async Task An_active_answer_is_kept_until_its_exp_when_that_comes_before_max_cache_for()
    {
        var exp = time.GetUtcNow().AddSeconds(60).ToUnixTimeSeconds();
        idp.Answer = _ => Raw($$"""{"active":true,"sub":"alice-ext-1","exp":{{exp}}}""");
        var implementation = Implementation();

        await Validate(implementation);
        time.Advance(TimeSpan.FromSeconds(59));
        await Validate(implementation);
        Assert.Equal(1, idp.Requests);
        time.Advance(TimeSpan.FromSeconds(1));
        await Validate(implementation);
        Assert.Equal(2, idp.Requests);
    }

    // --- aud ---

    [Fact]
    public async Task A_single_audience_string_is_matched()
    {
        idp.Answer = _ => Raw("""{"active":true,"sub":"alice-ext-1","aud":"token-exchange"}""");

        var (subject, error) = await Validate(Implementation(audiences: ["token-exchange"]));

        Assert.Null(error);
        Assert.Equal("alice-ext-1", subject!.Subject);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("{\"aud\":\"token-exchange\"}")]
    [InlineData("[42, null]")]
    public async Task An_audience_that_is_neither_a_string_nor_strings_names_no_audience(string aud)
    {
        idp.Answer = _ => Raw($$"""{"active":true,"sub":"alice-ext-1","aud":{{aud}}}""");

        var (subject, error) = await Validate(Implementation(audiences: ["token-exchange"]));

        Assert.Null(subject);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, error?.Code);
        Assert.Equal("subject_token audience is not accepted by this handler", error?.Description);
    }

    // --- email_verified, empty values ---

    [Theory]
    [InlineData("false", false)]
    [InlineData("\"true\"", false)]
    [InlineData("true", true)]
    public async Task Only_a_json_true_email_verified_vouches_for_the_email(string verified, bool expected)
    {
        idp.Answer = _ => Raw($$"""{"active":true,"sub":"alice-ext-1","email":"alice@example.com","email_verified":{{verified}}}""");

        var (subject, _) = await Validate(Implementation());

        Assert.Equal(expected, subject!.EmailVerified);
        Assert.Equal(expected ? "alice@example.com" : null, subject.Email);
    }

    [Fact]
    public async Task Empty_iss_and_username_are_none()
    {
        idp.Answer = _ => Raw("""{"active":true,"sub":"alice-ext-1","iss":"","username":"","preferred_username":"alice"}""");

        var (subject, _) = await Validate(Implementation());

        Assert.Equal("https://configured.example", subject!.Issuer);
        Assert.Equal("alice", subject.Username);
    }

    // --- The answer's size ---

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_of_exactly_the_maximum_size_is_read(bool withLength)
    {
        idp.Answer = _ => Sized(IntrospectionImplementation.MaxResponseBytes, withLength);

        var (subject, error) = await Validate(Implementation());

        Assert.Null(error);
        Assert.Equal("alice-ext-1", subject!.Subject);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_one_byte_over_the_maximum_is_a_server_error(bool withLength)
    {
        idp.Answer = _ => Sized(IntrospectionImplementation.MaxResponseBytes + 1, withLength);

        AssertServerError(await Validate(Implementation()));
    }

    /// <summary>An active answer padded with spaces to <paramref name="size"/> bytes, with or without a Content-Length (then read in small pieces).</summary>
    private static HttpResponseMessage Sized(int size, bool withLength)
    {
        var json = """{"active":true,"sub":"alice-ext-1"}""";
        var body = Encoding.UTF8.GetBytes(json + new string(' ', size - json.Length));
        HttpContent content = withLength ? new ByteArrayContent(body) : new StreamContent(new TrickleStream(body));
        Assert.Equal(withLength ? size : null, content.Headers.ContentLength);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>A stream of unknown length that hands out at most 1000 bytes a read, as a chunked response does.</summary>
    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 1000), data.Length - position);
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // --- Failures of the call itself ---

    [Fact]
    public async Task An_unexpected_failure_of_the_call_is_a_server_error_and_not_cached()
    {
        idp.Answer = _ => throw new InvalidOperationException("the handler broke");
        var implementation = Implementation();

        AssertServerError(await Validate(implementation));
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "alice-ext-1" });
        Assert.Equal("alice-ext-1", (await Validate(implementation)).Subject?.Subject);
    }

    // --- Metrics and the full cache ---

    [Fact]
    public async Task An_inactive_answer_is_counted_as_inactive()
    {
        using var calls = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.introspection.calls");
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = false });

        await Validate(Implementation());

        var measurement = Assert.Single(calls.GetMeasurementSnapshot());
        Assert.Equal("inactive", measurement.Tags["outcome"]);
    }

    private bool ReportedFull() => logger.Collector.GetSnapshot().Any(r => r.Level == LogLevel.Debug && r.Message.Contains("cache of handler opaque-idp is full", StringComparison.Ordinal));

    [Fact]
    public async Task A_full_cache_is_reported_and_a_cache_with_room_is_not()
    {
        var implementation = Implementation(t => t with { MaxCacheEntries = 1 });

        await Validate(implementation, "token-1");
        Assert.False(ReportedFull());
        await Validate(implementation, "token-2");
        Assert.True(ReportedFull());
    }

    [Fact]
    public async Task An_answer_not_to_be_kept_is_not_offered_to_the_cache()
    {
        // Without a negative cache time an inactive answer expires at once: nothing to keep, and the cache is not full.
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = false });
        var implementation = Implementation(t => t with { NegativeCacheFor = TimeSpan.Zero });

        await Validate(implementation);
        await Validate(implementation);

        Assert.Equal(2, idp.Requests);
        Assert.False(ReportedFull());
        Assert.Equal(0, implementation.Cache.Count);
    }
}
