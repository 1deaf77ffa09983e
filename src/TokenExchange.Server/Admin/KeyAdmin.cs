using System.Globalization;
using Microsoft.Extensions.Options;
using TokenExchange.Abstractions;
using TokenExchange.Grains.Keys;
using TokenExchange.Protos.V1;
using TokenExchange.Silo;

namespace TokenExchange.Server.Admin;

/// <summary>Signing key rotation and listing for the admin API; this silo's cache follows at once, the others within a refresh.</summary>
public sealed class KeyAdmin(IGrainFactory grains, SigningKeyCache cache, IOptions<TokenExchangeSiloOptions> options, TimeProvider time)
{
    public async Task<KeyList> RotateAsync()
    {
        var set = await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).Rotate(options.Value.KeyRotation);
        cache.Apply(set);
        return ToList(set);
    }

    public async Task<KeyList> ListAsync() => ToList(await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).GetKeys());

    private KeyList ToList(SigningKeySet set)
    {
        var now = time.GetUtcNow();
        var signing = Tokens.KeySchedule.At(set.Keys, now).Published[0].KeyId;
        return new KeyList
        {
            Keys =
            {
                set.Keys.OrderBy(k => k.ActivatesAt).Select(k => new SigningKeyInfo
                {
                    Kid = k.KeyId,
                    Status = k.KeyId == signing ? "signing" : k.RetiresAt <= now ? "retired" : "published",
                    CreatedAt = Time(k.CreatedAt),
                    ActivatesAt = Time(k.ActivatesAt),
                    RetiresAt = k.RetiresAt is { } retires ? Time(retires) : "",
                }),
            },
        };
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
