using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>
/// A jwt handler's verified-token cache bounds survive Orleans serialization; the defaults are not written at all, so
/// a trust with them writes the bytes it did before the setting existed (the golden bytes), and such bytes read back as them.
/// </summary>
public sealed class ValidationCacheSerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Theory]
    [InlineData(45, 7)]
    [InlineData(300, 0)]
    [InlineData(60, 100_000)]
    public void The_bounds_round_trip(int maxAgeSeconds, int maxEntries)
    {
        var trust = new JwtTrust { Issuer = "https://idp.example", ValidationCache = new ValidationCachePolicy { MaxAge = TimeSpan.FromSeconds(maxAgeSeconds), MaxEntries = maxEntries } };

        var copy = serializer.Deserialize<JwtTrust>(serializer.SerializeToArray(trust))!;

        Assert.Equal(trust.ValidationCache, copy.ValidationCache);
    }

    [Fact]
    public void The_defaults_add_no_bytes()
    {
        var withDefaults = new JwtTrust { Issuer = "https://idp.example" };
        var withOther = withDefaults with { ValidationCache = new ValidationCachePolicy { MaxEntries = 1 } };

        var bytes = serializer.SerializeToArray(withDefaults);

        Assert.True(serializer.SerializeToArray(withOther).Length > bytes.Length);
        Assert.Equal(ValidationCachePolicy.Default, serializer.Deserialize<JwtTrust>(bytes)!.ValidationCache);
    }
}
