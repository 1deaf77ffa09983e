using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Definitions;
using TokenExchange.Exchange.Rules;
using TokenExchange.Silo.Limits;

namespace TokenExchange.Grains.Tests.Silo.Limits;

/// <summary>The buckets on a test clock, and the bound on how many a silo keeps however many addresses call it.</summary>
public sealed class RateLimitStateTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A_bucket_refuses_past_its_capacity_says_when_to_retry_and_refills_with_time()
    {
        var bucket = new TokenBucket(capacity: 3, perSecond: 0.5, clock);

        var granted = Enumerable.Range(0, 3).Select(_ => bucket.AttemptAcquire().IsAcquired).ToList();
        using var refused = bucket.AttemptAcquire();

        Assert.All(granted, Assert.True);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(bucket.AttemptAcquire().IsAcquired);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(bucket.AttemptAcquire().IsAcquired);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, bucket.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void An_app_that_authenticates_by_certificate_is_charged_when_it_presents_its_certificate()
    {
        var thumbprint = new string('A', 43); // base64url SHA-256, as the front door computes it
        var app = new AppDefinition
        {
            ClientId = "mtls-app",
            TokenExchangeEnabled = true,
            TokenEndpointAuthMethod = ClientAuthMethods.SelfSignedTlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { Thumbprints = [thumbprint] },
            RateLimits = new RateLimitPolicy { RequestsPerSecond = 5 },
        };
        var snapshot = new DefinitionSnapshot(1, [app], []);
        var certificate = new TokenExchange.Exchange.ClientCertificate { Thumbprint = thumbprint, SubjectDn = "CN=mtls-app" };

        Assert.Equal("mtls-app", RateLimits.ChargeableApp(ClientAuthentication.Authenticate(snapshot, "mtls-app", secret: null, requireSecret: false, certificate).App)?.ClientId);
        Assert.Null(RateLimits.ChargeableApp(ClientAuthentication.Authenticate(snapshot, "mtls-app", secret: null, requireSecret: false, certificate with { Thumbprint = new string('B', 43) }).App));
    }

    [Fact]
    public void Asking_with_zero_permits_takes_nothing()
    {
        var bucket = new TokenBucket(capacity: 1, perSecond: 1, clock);

        Assert.True(bucket.AttemptAcquire(0).IsAcquired);
        Assert.True(bucket.AttemptAcquire(0).IsAcquired);
        Assert.True(bucket.AttemptAcquire().IsAcquired);
        Assert.False(bucket.AttemptAcquire(0).IsAcquired);
    }

    [Fact]
    public void A_flood_of_addresses_keeps_at_most_the_configured_number_of_buckets()
    {
        var limits = new RateLimits(new RateLimitOptions { PerAddressRequestsPerSecond = 5, MaxTrackedAddresses = 1000 }, clock, metrics: null);
        var app = new AppDefinition { ClientId = "orders-service", RateLimits = new RateLimitPolicy { InvalidTokensPerMinute = 1 } };

        for (var i = 0; i < 50_000; i++)
        {
            var address = $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}";
            Assert.Null(limits.Admit(app, address, checkInvalidTokens: true));
            limits.InvalidToken(app, address);
        }

        Assert.InRange(limits.Addresses.Count, 1, 1000);
        Assert.InRange(limits.InvalidTokens.Count, 1, 1000);
    }

    [Fact]
    public void An_evicted_address_starts_again_with_a_full_bucket_while_a_busy_one_stays_limited()
    {
        var limits = new RateLimits(new RateLimitOptions { PerAddressRequestsPerSecond = 1, MaxTrackedAddresses = 100 }, clock, metrics: null);

        Assert.Null(limits.Admit(null, "192.0.2.1", checkInvalidTokens: false));
        Assert.NotNull(limits.Admit(null, "192.0.2.1", checkInvalidTokens: false));
        for (var i = 0; i < 1000; i++) limits.Admit(null, $"198.51.100.{i % 250}:{i}", checkInvalidTokens: false);

        Assert.Null(limits.Admit(null, "192.0.2.1", checkInvalidTokens: false));
    }

    [Fact]
    public void Changed_app_limits_replace_the_apps_bucket()
    {
        var limits = new RateLimits(new RateLimitOptions(), clock, metrics: null);
        var strict = new AppDefinition { ClientId = "orders-service", RateLimits = new RateLimitPolicy { RequestsPerSecond = 1 } };

        Assert.Null(limits.AdmitAuthenticated(strict));
        var refused = limits.AdmitAuthenticated(strict);
        var relaxed = limits.AdmitAuthenticated(strict with { RateLimits = new RateLimitPolicy { RequestsPerSecond = 100 } });

        Assert.Equal(TimeSpan.FromSeconds(1), refused?.RetryAfter);
        Assert.Null(relaxed);
    }
}
