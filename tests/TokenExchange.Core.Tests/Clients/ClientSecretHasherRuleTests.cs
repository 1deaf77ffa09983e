using TokenExchange.Clients;

namespace TokenExchange.Core.Tests.Clients;

/// <summary>
/// <see cref="ClientSecretHasher"/> at its edges: a secret stored more than once (rotation), malformed stored
/// hashes among good ones, and the hint's length boundary (issue 18).
/// </summary>
public sealed class ClientSecretHasherRuleTests
{
    private const string Secret = "orders-secret-0123456789abcdef";

    [Fact]
    public void A_secret_stored_twice_still_verifies()
    {
        // Matches are or-ed: a second match must not cancel the first.
        var hash = ClientSecretHasher.Hash(Secret);

        Assert.True(ClientSecretHasher.Verify(Secret, [hash, hash]));
        Assert.True(ClientSecretHasher.Verify(Secret, [hash, hash, hash]));
    }

    [Theory]
    [InlineData(512)]   // the longest hashed from the stack
    [InlineData(513)]   // one byte more: from the heap
    [InlineData(4096)]
    public void A_secret_of_any_length_verifies_against_its_own_hash_only(int bytes)
    {
        var secret = new string('s', bytes - 2) + "é"; // é is two UTF-8 bytes: the bound is in bytes, not characters
        var hash = ClientSecretHasher.Hash(secret);

        Assert.True(ClientSecretHasher.Verify(secret, [hash]));
        Assert.False(ClientSecretHasher.Verify(secret[..^1] + "e", [hash]));
        Assert.False(ClientSecretHasher.Verify(Secret, [hash]));
    }

    [Fact]
    public void Malformed_stored_hashes_are_skipped_wherever_they_stand()
    {
        var hash = ClientSecretHasher.Hash(Secret);
        var other = ClientSecretHasher.Hash("another-secret-0123456789");

        Assert.True(ClientSecretHasher.Verify(Secret, ["not-a-hash", hash]));
        Assert.True(ClientSecretHasher.Verify(Secret, [hash, "not-a-hash"]));
        Assert.False(ClientSecretHasher.Verify(Secret, [other, "not-a-hash"]));
        Assert.False(ClientSecretHasher.Verify(Secret, ["not-a-hash"]));
    }

    [Theory]
    [InlineData("AAAA")]
    [InlineData("!")]
    [InlineData("==")]
    public void A_stored_hash_with_trailing_characters_never_matches(string trailing)
    {
        // Even where the decoder wrote the right digest before it found the junk, the hash is malformed.
        Assert.False(ClientSecretHasher.Verify(Secret, [ClientSecretHasher.Hash(Secret) + trailing]));
        Assert.False(ClientSecretHasher.Verify(Secret, [ClientSecretHasher.Hash(Secret) + trailing, "not-a-hash"]));
    }

    [Theory]
    [InlineData("", "…")]
    [InlineData("12345678", "…")]
    [InlineData("123456789", "…6789")]
    [InlineData("0123456789abcdef", "…cdef")]
    public void The_hint_shows_the_last_four_characters_of_a_secret_longer_than_eight(string secret, string hint) =>
        Assert.Equal(hint, ClientSecretHasher.Hint(secret));
}
