using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Proofs;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary>
/// <see cref="DpopNonces"/> (RFC 9449 section 8): stateless nonces any silo with the cluster's key checks, good in
/// the window they were issued in and the next, for one app only.
/// </summary>
public sealed class DpopNoncesTests
{
    // A window boundary: 2030-01-01T12:00:00Z is a multiple of 300 s since the epoch.
    private static readonly DateTimeOffset WindowStart = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private readonly FakeTimeProvider time = new(WindowStart);
    private readonly DpopNonces nonces;

    public DpopNoncesTests() => nonces = new DpopNonces(Key, time);

    [Fact]
    public void The_current_nonce_is_valid_for_its_app()
    {
        var nonce = nonces.Current("orders");

        Assert.Equal(DpopNonceCheck.Valid, nonces.Check("orders", nonce));
        Assert.Equal(DpopNonces.Length, nonce.Length);
        Assert.Equal(32, DpopNonces.Length);
        // RFC 9449 section 8.1: NQCHAR only; base64url has none of quote, backslash, space.
        Assert.All(nonce, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}'"));
    }

    [Fact]
    public void Another_silo_with_the_same_key_accepts_it_without_any_state()
    {
        var otherSilo = new DpopNonces([.. Key], new FakeTimeProvider(WindowStart + TimeSpan.FromSeconds(30)));

        Assert.Equal(DpopNonceCheck.Valid, otherSilo.Check("orders", nonces.Current("orders")));
        Assert.Equal(nonces.Current("orders"), otherSilo.Current("orders"));
    }

    [Fact]
    public void A_cluster_with_another_key_refuses_it() =>
        Assert.Equal(DpopNonceCheck.Invalid, new DpopNonces(RandomNumberGenerator.GetBytes(32), time).Check("orders", nonces.Current("orders")));

    [Fact]
    public void Another_apps_nonce_is_refused()
    {
        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check("orders", nonces.Current("billing")));
        Assert.NotEqual(nonces.Current("orders"), nonces.Current("billing"));
    }

    [Fact]
    public void It_stays_the_same_to_the_last_second_of_its_window()
    {
        var nonce = nonces.Current("orders");
        time.Advance(DpopNonces.Window - TimeSpan.FromSeconds(1));

        Assert.Equal(DpopNonceCheck.Valid, nonces.Check("orders", nonce));
        Assert.Equal(nonce, nonces.Current("orders"));
    }

    [Fact]
    public void In_the_next_window_it_is_still_good_but_rolling_and_a_new_one_is_current()
    {
        var nonce = nonces.Current("orders");
        time.Advance(DpopNonces.Window);

        Assert.Equal(DpopNonceCheck.Rolling, nonces.Check("orders", nonce));
        Assert.NotEqual(nonce, nonces.Current("orders"));
        Assert.Equal(DpopNonceCheck.Valid, nonces.Check("orders", nonces.Current("orders")));
    }

    [Fact]
    public void To_the_end_of_the_next_window_it_is_rolling_then_stale()
    {
        var nonce = nonces.Current("orders");
        time.Advance(2 * DpopNonces.Window - TimeSpan.FromSeconds(1));
        Assert.Equal(DpopNonceCheck.Rolling, nonces.Check("orders", nonce));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DpopNonceCheck.Stale, nonces.Check("orders", nonce));
    }

    [Fact]
    public void A_nonce_of_the_next_window_from_a_silo_whose_clock_runs_ahead_is_valid()
    {
        var ahead = new DpopNonces(Key, new FakeTimeProvider(WindowStart + DpopNonces.Window));

        Assert.Equal(DpopNonceCheck.Valid, nonces.Check("orders", ahead.Current("orders")));
    }

    [Fact]
    public void A_nonce_two_windows_ahead_is_refused()
    {
        var farAhead = new DpopNonces(Key, new FakeTimeProvider(WindowStart + 2 * DpopNonces.Window));

        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check("orders", farAhead.Current("orders")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_nonce_is_missing(string? nonce) => Assert.Equal(DpopNonceCheck.Missing, nonces.Check("orders", nonce));

    [Fact]
    public void An_altered_nonce_is_refused()
    {
        var nonce = nonces.Current("orders").ToCharArray();
        nonce[^1] = nonce[^1] == 'A' ? 'B' : 'A';

        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check("orders", new string(nonce)));
    }

    [Fact]
    public void A_nonce_whose_window_was_changed_is_refused()
    {
        var nonce = nonces.Current("orders").ToCharArray();
        nonce[9] = nonce[9] == 'A' ? 'B' : 'A';

        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check("orders", new string(nonce)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_nonce_of_another_length_is_refused(int change)
    {
        var nonce = nonces.Current("orders");
        var changed = change < 0 ? nonce[..^1] : nonce + "A";

        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check("orders", changed));
    }

    [Fact]
    public void Characters_outside_base64url_are_refused() =>
        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check("orders", new string('*', DpopNonces.Length)));

    [Fact]
    public void A_nonce_that_decodes_to_fewer_bytes_is_refused_even_where_the_missing_byte_would_be_zero()
    {
        // An app whose nonce ends in a zero byte (its last character 'A'): without its last character, and padded to
        // the length with a space the decoder skips, it decodes to all but that byte.
        var client = Enumerable.Range(0, 100_000).Select(i => "app-" + i).First(c => nonces.Current(c)[^1] == 'A');

        Assert.Equal(DpopNonceCheck.Invalid, nonces.Check(client, nonces.Current(client)[..^1] + " "));
    }

    [Fact]
    public void A_key_shorter_than_256_bits_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new DpopNonces(new byte[31], time));
        Assert.Equal(DpopNonceCheck.Valid, new DpopNonces(new byte[32], time) is var exact ? exact.Check("orders", exact.Current("orders")) : default);
    }

    [Fact]
    public void The_key_every_silo_derives_from_the_key_encryption_key_is_the_same_and_differs_by_purpose()
    {
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var one = KeyProtector.FromBase64(kek).DeriveKey(DpopNonces.KeyPurpose);
        var other = KeyProtector.FromBase64(kek).DeriveKey(DpopNonces.KeyPurpose);

        Assert.Equal(32, one.Length);
        Assert.Equal(one, other);
        Assert.NotEqual(one, KeyProtector.FromBase64(kek).DeriveKey("another purpose"));
        Assert.NotEqual(one, KeyProtector.FromBase64(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).DeriveKey(DpopNonces.KeyPurpose));
    }
}
