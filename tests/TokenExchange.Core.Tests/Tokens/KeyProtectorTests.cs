using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class KeyProtectorTests
{
    [Fact]
    public void Protected_keys_round_trip_and_hide_the_plaintext()
    {
        var protector = KeyProtector.Generate();

        var sealedKey = protector.Protect("kid-1", "{\"d\":\"secret-part\"}");

        Assert.StartsWith("v1:", sealedKey);
        Assert.DoesNotContain("secret-part", sealedKey);
        Assert.Equal("{\"d\":\"secret-part\"}", protector.Unprotect("kid-1", sealedKey));
    }

    [Fact]
    public void Another_key_encryption_key_or_another_key_id_cannot_open_it()
    {
        var protector = KeyProtector.Generate();
        var sealedKey = protector.Protect("kid-1", "private");

        Assert.Throws<KeyEncryptionKeyMismatchException>(() => KeyProtector.Generate().Unprotect("kid-1", sealedKey));
        Assert.Throws<KeyEncryptionKeyMismatchException>(() => protector.Unprotect("kid-2", sealedKey));
    }

    [Theory]
    [InlineData("too-short")]
    [InlineData("AAAA")]
    public void A_key_encryption_key_must_be_32_bytes_of_base64(string value) =>
        Assert.Throws<ArgumentException>(() => KeyProtector.FromBase64(value));
}
