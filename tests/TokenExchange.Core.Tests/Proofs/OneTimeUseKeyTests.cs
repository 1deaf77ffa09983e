using TokenExchange.Proofs;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary><see cref="OneTimeUseKey"/>: a fixed-size key per (purpose, scope, id) and its partition.</summary>
public sealed class OneTimeUseKeyTests
{
    [Fact]
    public void The_same_parts_give_the_same_key() =>
        Assert.Equal(OneTimeUseKey.For("dpop", "thumb", "jti-1"), OneTimeUseKey.For("dpop", "thumb", "jti-1"));

    [Fact]
    public void Each_part_tells_keys_apart()
    {
        var key = OneTimeUseKey.For("dpop", "thumb", "jti-1");

        Assert.NotEqual(key.Hash, OneTimeUseKey.For("other", "thumb", "jti-1").Hash);
        Assert.NotEqual(key.Hash, OneTimeUseKey.For("dpop", "thumb2", "jti-1").Hash);
        Assert.NotEqual(key.Hash, OneTimeUseKey.For("dpop", "thumb", "jti-2").Hash);
    }

    [Fact]
    public void Shifting_characters_between_parts_gives_another_key() =>
        Assert.NotEqual(OneTimeUseKey.For("dpop", "ab", "c").Hash, OneTimeUseKey.For("dpop", "a", "bc").Hash);

    [Fact]
    public void The_hash_is_a_base64url_SHA_256_whatever_the_ids_length()
    {
        Assert.Equal(43, OneTimeUseKey.For("dpop", "t", new string('x', 5000)).Hash.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", OneTimeUseKey.For("dpop", "t", "x").Hash);
    }

    [Fact]
    public void Partitions_are_spread_over_all_64()
    {
        var partitions = Enumerable.Range(0, 5000).Select(i => OneTimeUseKey.For("dpop", "t", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Partition).ToHashSet();

        Assert.Equal(64, OneTimeUseKey.Partitions);
        Assert.Equal(Enumerable.Range(0, 64).ToHashSet(), partitions);
    }

    [Fact]
    public void The_partition_is_the_hashs_first_four_bytes_modulo_the_count()
    {
        var key = OneTimeUseKey.For("dpop", "t", "x");
        var digest = System.Buffers.Text.Base64Url.DecodeFromChars(key.Hash);

        Assert.Equal((int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(digest) % 64), key.Partition);
    }
}
