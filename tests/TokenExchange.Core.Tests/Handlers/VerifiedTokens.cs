using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>Counts the signature checks made with a key (IdentityModel asks its factory for a verifying provider once per check, through this overload).</summary>
internal sealed class CountingCryptoProviderFactory : CryptoProviderFactory
{
    private int verifications;

    public int Verifications => Volatile.Read(ref verifications);

    public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm, bool cacheProvider)
    {
        Interlocked.Increment(ref verifications);
        return base.CreateForVerifying(key, algorithm, cacheProvider);
    }
}

/// <summary>An IdP key set a test changes at will (a key leaving the JWKS), or makes unreachable.</summary>
internal sealed class SwappableKeySource(params SecurityKey[] keys) : IKeySource
{
    public IReadOnlyList<SecurityKey> Keys { get; set; } = keys;

    public bool Unavailable { get; set; }

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) =>
        Unavailable ? throw new KeysUnavailableException("down for the test") : ValueTask.FromResult(Keys);
}

/// <summary>A clock a test may also set back (FakeTimeProvider only moves forward): a silo's clock stepped back by NTP.</summary>
internal sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
