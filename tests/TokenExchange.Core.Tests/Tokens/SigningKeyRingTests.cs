using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class SigningKeyRingTests
{
    [Fact]
    public void First_key_is_current_and_all_are_published()
    {
        var first = SigningKey.Generate();
        var second = SigningKey.Generate();

        var ring = new SigningKeyRing([first, second]);

        Assert.Same(first, ring.Current);
        Assert.Contains(first.KeyId, ring.Jwks, StringComparison.Ordinal);
        Assert.Contains(second.KeyId, ring.Jwks, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", ring.Jwks, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_ring_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SigningKeyRing([]));
    }
}
