using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Sessions;

/// <summary>
/// A token's claims as validation keeps them (<see cref="ClaimSet"/>): read like the dictionary they replaced (first
/// value of a name wins, ordinal names, the order they came in), whether scanned or, past the scan limit, hashed, and
/// in about half the bytes for a token's usual handful of claims (docs/architecture.md, "A warm subject is one activation").
/// </summary>
public sealed class ClaimSetTests
{
    private static readonly KeyValuePair<string, string>[] Seven =
    [
        new("iss", "https://idp.example"), new("sub", "alice"), new("aud", "token-exchange"), new("exp", "1764633600"),
        new("iat", "1764630000"), new("jti", "j-1"), new("department", "sales"),
    ];

    public static TheoryData<int> Sizes => new() { 1, 7, ClaimSet.ScanLimit, ClaimSet.ScanLimit + 1, 40 };

    private static KeyValuePair<string, string>[] Claims(int count) =>
        Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string>($"claim-{i}", $"value-{i}")).ToArray();

    [Theory, MemberData(nameof(Sizes))]
    public void Every_claim_is_found_by_its_name_and_no_other(int count)
    {
        var claims = Claims(count);

        var set = ClaimSet.Of(claims);

        Assert.Equal(count, set.Count);
        Assert.Equal(count > ClaimSet.ScanLimit, set.Hashed);
        foreach (var (name, value) in claims)
        {
            Assert.True(set.TryGetValue(new string(name.AsSpan()), out var found));
            Assert.Equal(value, found);
            Assert.Equal(value, set[name]);
            Assert.True(set.ContainsKey(name));
        }
        Assert.False(set.TryGetValue("missing", out var none));
        Assert.Null(none);
        // Names are compared ordinally (RFC 7519, 4): another case is another claim.
        Assert.False(set.ContainsKey("CLAIM-0"));
        Assert.Throws<KeyNotFoundException>(() => set["missing"]);
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Claims_enumerate_in_the_order_they_came(int count)
    {
        var claims = Claims(count);

        var set = ClaimSet.Of(claims);

        Assert.Equal(claims, set);
        Assert.Equal(claims.Select(c => c.Key), set.Keys);
        Assert.Equal(claims.Select(c => c.Value), set.Values);
    }

    [Theory, MemberData(nameof(Sizes))]
    public void The_first_value_of_a_name_wins(int count)
    {
        var claims = Claims(count);
        // Each name again with another value, after all the first ones: past the limit this crosses into hashing.
        var repeated = claims.Concat(claims.Select(c => new KeyValuePair<string, string>(c.Key, "later"))).Where(_ => true);

        var set = ClaimSet.Of(repeated);

        Assert.Equal(claims, set);
        // Scanned, the set keeps room for the claims it holds and no more (a hashed one, the runtime's next size).
        if (!set.Hashed) Assert.Equal(count, set.Room);
    }

    [Fact]
    public void A_name_repeated_right_after_the_set_turned_to_hashing_keeps_its_first_value()
    {
        var builder = new ClaimSet.Builder(0);
        foreach (var (name, value) in Claims(ClaimSet.ScanLimit + 1)) builder.Add(name, value);
        builder.Add("claim-0", "later");

        var set = builder.Build();

        Assert.True(set.Hashed);
        Assert.Equal("value-0", set["claim-0"]);
        Assert.Equal(ClaimSet.ScanLimit + 1, set.Count);
    }

    [Fact]
    public void No_claims_is_the_one_empty_set()
    {
        Assert.Same(ClaimSet.Empty, ClaimSet.Of([]));
        Assert.Same(ClaimSet.Empty, new ClaimSet.Builder(5).Build());
        Assert.Empty(ClaimSet.Empty);
        Assert.False(ClaimSet.Empty.ContainsKey("sub"));
    }

    [Fact]
    public void A_null_name_or_value_is_refused()
    {
        var builder = new ClaimSet.Builder(1);
        Assert.Throws<ArgumentNullException>(() => builder.Add(null!, "v"));
        Assert.Throws<ArgumentNullException>(() => builder.Add("n", null!));
        Assert.Throws<ArgumentNullException>(() => ClaimSet.Of(Seven).TryGetValue(null!, out _));
    }

    [Fact]
    public void A_token_s_seven_claims_allocate_well_below_a_dictionary()
    {
        // Warm both paths first, so no first-call allocation of the runtime is counted.
        BuildSet();
        BuildDictionary();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var set = BuildSet();
        var setBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var dictionary = BuildDictionary();
        var dictionaryBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(dictionary, set);
        // 192 B (the set, 7 names, 7 values) against 328 B (the dictionary, its buckets and entries); with the names
        // shared, what stays is 112 B.
        Assert.InRange(setBytes * 3, 1, dictionaryBytes * 2);
    }

    [Fact]
    public void Tokens_with_the_same_names_in_the_same_order_share_one_names_array()
    {
        var layouts = new ClaimLayouts();
        ClaimSet Token(string subject, params string[] extra)
        {
            var builder = new ClaimSet.Builder(0);
            builder.Add("iss", "https://idp.example");
            builder.Add("sub", subject);
            foreach (var name in extra) builder.Add(new string(name.AsSpan()), "x");
            return builder.Build(layouts);
        }

        var alice = Token("alice", "jti");
        var bob = Token("bob", "jti");
        var carol = Token("carol", "nonce");
        var dave = Token("dave");

        Assert.Same(alice.Names, bob.Names);
        Assert.Equal("bob", bob["sub"]);
        Assert.Equal("alice", alice["sub"]);
        // Other names, or fewer of them: a layout of its own.
        Assert.NotSame(alice.Names, carol.Names);
        Assert.NotSame(alice.Names, dave.Names);
        Assert.Equal(["iss", "sub", "nonce"], carol.Keys);
        Assert.False(dave.ContainsKey("jti"));
    }

    [Fact]
    public void Layouts_that_displace_each_other_still_read_as_they_came()
    {
        var layouts = new ClaimLayouts();
        // Many more layouts than the table holds: each set keeps names equal to its own, shared or not.
        var sets = Enumerable.Range(0, ClaimLayouts.Slots * 8).Select(i =>
        {
            var builder = new ClaimSet.Builder(2);
            builder.Add($"claim-{i}", $"value-{i}");
            builder.Add("sub", $"subject-{i}");
            return (i, set: builder.Build(layouts));
        }).ToList();

        foreach (var (i, set) in sets)
        {
            Assert.Equal([$"claim-{i}", "sub"], set.Keys);
            Assert.Equal($"value-{i}", set[$"claim-{i}"]);
            Assert.Equal($"subject-{i}", set["sub"]);
        }
    }

    private static ClaimSet BuildSet()
    {
        var builder = new ClaimSet.Builder(Seven.Length);
        foreach (var (name, value) in Seven) builder.Add(name, value);
        return builder.Build();
    }

    private static Dictionary<string, string> BuildDictionary()
    {
        var dictionary = new Dictionary<string, string>(Seven.Length, StringComparer.Ordinal);
        foreach (var (name, value) in Seven) dictionary.TryAdd(name, value);
        return dictionary;
    }
}
