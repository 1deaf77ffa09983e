using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Exchange;
using TokenExchange.Silo.Events;

namespace TokenExchange.Grains.Tests.Silo.Events;

public class TokenEventsTests
{
    private sealed class Capture : ITokenEventSink
    {
        public List<TokenEvent> Events { get; } = [];
        public void Record(TokenEvent tokenEvent) => Events.Add(tokenEvent);
    }

    private sealed class Broken : ITokenEventSink
    {
        public void Record(TokenEvent tokenEvent) => throw new InvalidOperationException("sink down");
    }

    [Fact]
    public void Every_sink_gets_one_event_with_a_hash_instead_of_the_token_even_when_another_sink_throws()
    {
        var capture = new Capture();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z"));
        var events = new TokenEvents([new Broken(), capture], time, NullLogger<TokenEvents>.Instance);

        events.Record(TokenOperation.Exchange, Stopwatch.GetTimestamp(), "orders-service", "partner-idp",
            new OAuthError("invalid_grant", "the subject token is not valid", "signature"), null, "eyJhbGciOi.secret-token.sig", "10.0.0.7");

        var recorded = Assert.Single(capture.Events);
        Assert.Equal(TokenOperation.Exchange, recorded.Operation);
        Assert.Equal(time.GetUtcNow(), recorded.Time);
        Assert.Equal("invalid_grant", recorded.ErrorCode);
        Assert.Equal("signature", recorded.Reason);
        Assert.False(recorded.Succeeded);
        Assert.Equal(16, recorded.TokenHash!.Length);
        Assert.DoesNotContain("secret-token", recorded.ToString());
    }

    /// <summary>
    /// The event carries the hash as a number and writes it only when read: the same 16 hex characters as the first
    /// 8 bytes of the token's SHA-256, which the audit table and log lines have always held.
    /// </summary>
    [Fact]
    public void The_token_hash_reads_as_the_first_8_bytes_of_the_tokens_sha256_in_hex()
    {
        const string token = "eyJhbGciOi.another-secret.sig";
        var capture = new Capture();
        new TokenEvents([capture], TimeProvider.System, NullLogger<TokenEvents>.Instance)
            .Record(TokenOperation.Exchange, Stopwatch.GetTimestamp(), "orders-service", "partner-idp", null, "u-1", token, "10.0.0.7");

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))[..8]);
        Assert.Equal(expected, Assert.Single(capture.Events).TokenHash);
        Assert.Equal(expected, TokenEvents.TokenHash(token));
        Assert.Equal("000000000000002a", new TokenEvent(TokenOperation.Exchange, default, default, null, null, null, null, null, 42, null).TokenHash);
    }

    [Fact]
    public void A_transaction_token_event_names_its_txn_in_the_detail_and_never_the_token()
    {
        var capture = new Capture();
        var events = new TokenEvents([capture], new FakeTimeProvider(), NullLogger<TokenEvents>.Instance);

        events.Record(TokenOperation.Exchange, Stopwatch.GetTimestamp(), "inventory", null, null, "u-alice", "eyJ0eXAi.txn-token-body.sig", "10.0.0.7",
            new TransactionTokenRecord(TransactionTokenRecord.Replaced, "97053963-771d-49cc-a4e3-20aad399c312"));
        events.Record(TokenOperation.Exchange, Stopwatch.GetTimestamp(), "orders", "partner-idp", null, "u-alice", "a.b.c", "10.0.0.7");

        Assert.Equal("txn_token replace txn=97053963-771d-49cc-a4e3-20aad399c312", capture.Events[0].Detail);
        Assert.Equal(new TransactionTokenRecord("replace", "97053963-771d-49cc-a4e3-20aad399c312"), capture.Events[0].Transaction);
        Assert.DoesNotContain("txn-token-body", capture.Events[0].ToString());
        Assert.Null(capture.Events[1].Detail);
        Assert.Null(capture.Events[1].Transaction);
    }

    [Fact]
    public void A_long_client_id_is_clipped()
    {
        var capture = new Capture();
        var events = new TokenEvents([capture], TimeProvider.System, NullLogger<TokenEvents>.Instance);
        events.Record(TokenOperation.Revoke, Stopwatch.GetTimestamp(), new string('c', 500), null, null, null, null, null);
        Assert.True(capture.Events[0].ClientId!.Length <= 65);
        Assert.True(capture.Events[0].Succeeded);
        Assert.Null(capture.Events[0].TokenHash);
    }

    [Fact]
    public void An_admin_change_names_its_actor_and_change_and_carries_no_token_hash()
    {
        var capture = new Capture();
        var events = new TokenEvents([capture], TimeProvider.System, NullLogger<TokenEvents>.Instance);

        events.RecordAdmin(Stopwatch.GetTimestamp(), "key:0123456789abcdef", "disable-app: update handler partner", null, null, "10.0.0.9", clientId: "orders-service", handler: "partner");

        var recorded = Assert.Single(capture.Events);
        Assert.Equal((TokenOperation.Admin, "key:0123456789abcdef", "disable-app: update handler partner"), (recorded.Operation, recorded.Actor, recorded.Detail));
        Assert.Equal(("orders-service", "partner", "10.0.0.9"), (recorded.ClientId, recorded.Handler, recorded.ClientAddress));
        Assert.Null(recorded.TokenHash);
        Assert.True(recorded.Succeeded);
    }

    [Theory]
    [InlineData("x\nFORGED exchange outcome=ok client=orders-service")]
    [InlineData("x\r\nFORGED")]
    [InlineData("x\0FORGED")]
    [InlineData("x\u001b[2KFORGED")]
    [InlineData("x\u2028FORGED")]
    public void No_text_of_an_event_carries_a_raw_control_character(string forged)
    {
        var capture = new Capture();
        var events = new TokenEvents([capture], TimeProvider.System, NullLogger<TokenEvents>.Instance);

        events.Record(TokenOperation.Introspect, Stopwatch.GetTimestamp(), forged, forged, new OAuthError(forged, forged, forged), forged, "token", forged);
        events.RecordAdmin(Stopwatch.GetTimestamp(), forged, forged, forged, forged, forged, forged, forged, forged);

        Assert.Equal(2, capture.Events.Count);
        string?[] texts = [.. capture.Events.SelectMany(e => new[] { e.ClientId, e.Handler, e.ErrorCode, e.Reason, e.UserId, e.ClientAddress }), capture.Events[1].Actor, capture.Events[1].Detail];
        Assert.All(texts, text =>
        {
            Assert.NotNull(text);
            Assert.StartsWith("x\\", text);
            Assert.DoesNotContain(text, c => char.IsControl(c) || c is '\u2028');
        });
    }
}
