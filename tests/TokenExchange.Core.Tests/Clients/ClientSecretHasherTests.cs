using TokenExchange.Clients;

namespace TokenExchange.Core.Tests.Clients;

public sealed class ClientSecretHasherTests
{
    private const string Secret = "orders-secret-0123456789abcdef";

    [Fact]
    public void Hash_is_prefixed_well_formed_and_does_not_contain_the_secret()
    {
        var hash = ClientSecretHasher.Hash(Secret);

        Assert.StartsWith(ClientSecretHasher.Prefix, hash, StringComparison.Ordinal);
        Assert.True(ClientSecretHasher.IsWellFormedHash(hash));
        Assert.DoesNotContain(Secret, hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_is_deterministic()
    {
        Assert.Equal(ClientSecretHasher.Hash(Secret), ClientSecretHasher.Hash(Secret));
    }

    [Fact]
    public void Verify_accepts_the_secret_of_a_stored_hash()
    {
        Assert.True(ClientSecretHasher.Verify(Secret, [ClientSecretHasher.Hash(Secret)]));
    }

    [Fact]
    public void Verify_refuses_a_different_secret()
    {
        Assert.False(ClientSecretHasher.Verify(Secret + "x", [ClientSecretHasher.Hash(Secret)]));
    }

    [Fact]
    public void Verify_refuses_when_no_hash_is_stored()
    {
        Assert.False(ClientSecretHasher.Verify(Secret, []));
    }

    [Fact]
    public void Verify_is_case_sensitive()
    {
        Assert.False(ClientSecretHasher.Verify(Secret.ToUpperInvariant(), [ClientSecretHasher.Hash(Secret)]));
    }

    [Fact]
    public void Verify_finds_a_match_among_several_hashes_in_any_position()
    {
        var other = ClientSecretHasher.Hash("another-secret-0123456789abcdef");
        var mine = ClientSecretHasher.Hash(Secret);

        Assert.True(ClientSecretHasher.Verify(Secret, [mine, other]));
        Assert.True(ClientSecretHasher.Verify(Secret, [other, mine]));
    }

    [Fact]
    public void Verify_skips_malformed_hashes_and_still_checks_the_others()
    {
        var mine = ClientSecretHasher.Hash(Secret);

        Assert.True(ClientSecretHasher.Verify(Secret, ["garbage", mine, "sha256:AAAA"]));
        Assert.False(ClientSecretHasher.Verify(Secret, ["garbage", "sha256:AAAA"]));
    }

    [Fact]
    public void Verify_does_not_accept_the_stored_hash_itself_as_the_secret()
    {
        var hash = ClientSecretHasher.Hash(Secret);

        Assert.False(ClientSecretHasher.Verify(hash, [hash]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("orders-secret-0123456789abcdef")]
    [InlineData("md5:AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("sha256:")]
    [InlineData("sha256:not base64!")]
    [InlineData("sha256:AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    public void IsWellFormedHash_refuses_anything_but_sha256_prefix_and_32_bytes(string hash)
    {
        Assert.False(ClientSecretHasher.IsWellFormedHash(hash));
    }

    [Fact]
    public void IsWellFormedHash_accepts_the_sha256_of_the_empty_string()
    {
        Assert.True(ClientSecretHasher.IsWellFormedHash("sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
    }
}
