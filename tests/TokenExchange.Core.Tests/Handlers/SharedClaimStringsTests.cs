using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// A verified token's claims, as its cache entry keeps them: the strings every token of a handler repeats are the one
/// shared instance (well-known claim names, the handler's issuer and audiences), everything else is the token's own,
/// and every claim reads as the token wrote it (docs/architecture.md, "A warm subject is one activation").
/// </summary>
public sealed class SharedClaimStringsTests
{
    private const string Issuer = "https://idp.example";
    private const string Audience = "token-exchange";

    /// <summary>A string equal to <paramref name="value"/> but not the same instance, as a token's parser makes it.</summary>
    private static string Copy(string value) => new(value.AsSpan());

    [Fact]
    public void The_issuer_and_audience_values_are_the_handler_s_instances()
    {
        var issuer = Copy(Issuer);
        var audience = Copy(Audience);
        var shared = new SharedClaimStrings(issuer, ["other-audience", audience]);

        Assert.Same(issuer, shared.Value(Copy(Issuer)));
        Assert.Same(audience, shared.Value(Copy(Audience)));
    }

    [Fact]
    public void Other_values_and_names_are_kept_as_they_came()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        var value = Copy("https://idp.example/other");
        var name = Copy("department");

        Assert.Same(value, shared.Value(value));
        Assert.Same(name, SharedClaimStrings.Name(name));
        // Case matters: a claim name is compared ordinally (RFC 7519, 4).
        var upper = Copy("SUB");
        Assert.Same(upper, SharedClaimStrings.Name(upper));
    }

    [Fact]
    public void Well_known_claim_names_are_one_instance()
    {
        foreach (var name in new[] { "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "email", "email_verified", "act", "may_act" })
        {
            var first = SharedClaimStrings.Name(Copy(name));
            Assert.Equal(name, first);
            Assert.Same(first, SharedClaimStrings.Name(Copy(name)));
        }
    }

    [Fact]
    public void Claims_keep_each_first_value_with_shared_strings()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        Claim[] claims = [new(Copy("iss"), Copy(Issuer)), new(Copy("sub"), "alice"), new(Copy("aud"), Copy(Audience)), new("aud", "second"), new("department", "sales")];

        var read = shared.Claims(claims);

        Assert.Equal(new Dictionary<string, string> { ["iss"] = Issuer, ["sub"] = "alice", ["aud"] = Audience, ["department"] = "sales" }, read);
        Assert.Same(SharedClaimStrings.Name("iss"), read.Keys.First());
        Assert.Same(shared.Value(Issuer), read["iss"]);
        Assert.Same(shared.Value(Audience), read["aud"]);
    }

    [Fact]
    public void Claims_take_no_more_room_than_they_need()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        var many = Enumerable.Range(0, 18).Select(i => new Claim($"claim-{i}", "value")).ToList();

        var read = shared.Claims(many);

        Assert.Equal(18, read.Count);
        // Past the scan limit the claims are hashed. Read one by one, a dictionary grows to 37 slots; trimmed, it keeps
        // the runtime's next size for 18 (23).
        Assert.True(read.Hashed);
        Assert.InRange(read.Room, 18, 23);
    }

    [Fact]
    public void Claims_of_a_sequence_that_does_not_tell_its_length_are_trimmed_too()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        var many = Enumerable.Range(0, 18).Select(i => new Claim($"claim-{i}", "value")).Where(_ => true);

        var read = shared.Claims(many);

        Assert.False(many.TryGetNonEnumeratedCount(out _));
        Assert.Equal(18, read.Count);
        Assert.InRange(read.Room, 18, 23);
    }

    [Fact]
    public void A_token_s_few_claims_are_held_as_exactly_as_many_pairs()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        Claim[] seven = [new("iss", Issuer), new("sub", "alice"), new("aud", Audience), new("aud", "second"), new("exp", "1"), new("iat", "0"), new("jti", "j-1"), new("department", "sales")];

        var read = shared.Claims(seven);
        var unknownLength = shared.Claims(seven.Where(_ => true));

        Assert.Equal(7, read.Count);
        Assert.False(read.Hashed);
        // Eight claims came, one name twice: the set keeps room for the seven it holds, not for what was expected.
        Assert.Equal(7, read.Room);
        Assert.Equal(7, unknownLength.Room);
        Assert.Equal(read, unknownLength);
    }

    [Fact]
    public void Tokens_of_the_same_second_share_their_time_values()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        Claim[] Token(string subject) =>
            [new("sub", subject), new("exp", Copy("1764633600")), new("iat", Copy("1764630000")), new("nbf", Copy("1764630000")), new("auth_time", Copy("1764629000"))];

        var first = shared.Claims(Token("alice"));
        var second = shared.Claims(Token("bob"));

        foreach (var name in new[] { "exp", "iat", "nbf", "auth_time" }) Assert.Same(first[name], second[name]);
        Assert.Equal("1764633600", second["exp"]);
        Assert.Equal("1764629000", second["auth_time"]);
    }

    [Fact]
    public void A_number_in_another_claim_is_kept_as_it_came()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        shared.Claims([new Claim("exp", Copy("1764633600"))]);
        var other = Copy("1764633600");

        var read = shared.Claims([new Claim("department", other)]);

        Assert.Same(other, read["department"]);
    }

    [Fact]
    public void Every_time_value_reads_as_it_came_however_many_the_table_has_seen()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        // Ten times the table's slots: values overwrite each other's slots, none may come back as another.
        var values = Enumerable.Range(0, SharedClaimStrings.RecentTimeSlots * 10).Select(i => (1_764_630_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        foreach (var value in values) Assert.Equal(value, shared.Time(Copy(value)));
        foreach (var value in values.Reverse()) Assert.Equal(value, shared.Time(Copy(value)));
        // The last value seen is held: its next copy gets the held instance.
        var last = shared.Time(Copy("1764630000"));
        Assert.Same(last, shared.Time(Copy("1764630000")));
    }

    [Fact]
    public void A_time_value_longer_than_any_count_of_seconds_is_not_held()
    {
        var shared = new SharedClaimStrings(Issuer, [Audience]);
        var long1 = Copy(new string('9', 21));
        var long2 = Copy(new string('9', 21));

        Assert.Same(long1, shared.Time(long1));
        Assert.Same(long2, shared.Time(long2));
    }

    [Fact]
    public void A_key_id_the_token_named_is_the_key_s_own_instance()
    {
        var key = new SymmetricSecurityKey(new byte[32]) { KeyId = Copy("key-1") };

        Assert.Same(key.KeyId, SharedClaimStrings.KeyId(Copy("key-1"), key));
        var other = Copy("key-2");
        Assert.Same(other, SharedClaimStrings.KeyId(other, key));
        Assert.Null(SharedClaimStrings.KeyId(null, key));
    }

    [Fact]
    public async Task A_verified_token_s_result_holds_the_handler_s_issuer_and_audience_strings()
    {
        var idp = new TestIdp();
        var issuer = Copy(idp.Issuer);
        var audience = Copy(TestIdp.DefaultAudience);
        var validator = new JwtSubjectTokenValidator(issuer, [audience], ["ES256"], TimeSpan.FromSeconds(30), new StaticKeySource([idp.EcKey]), TimeProvider.System);

        var result = await validator.ValidateAsync(idp.Token("alice-ext-1", claims: new Dictionary<string, object> { ["department"] = "sales" }), TokenTypes.Jwt, CancellationToken.None);

        Assert.True(result.IsValid, result.Error?.Description);
        Assert.Same(issuer, result.Issuer);
        Assert.Same(issuer, result.Claims["iss"]);
        Assert.Same(audience, result.Claims["aud"]);
        Assert.Equal("alice-ext-1", result.Subject);
        Assert.Equal("sales", result.Claims["department"]);
    }
}
