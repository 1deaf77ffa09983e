using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Grains.Sessions;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Sessions;

/// <summary>What bounds the per-subject and per-token state that callers' input creates.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionBoundsTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData(typeof(TokenHandleGrain), "00:02:00")]
    [InlineData(typeof(OpaqueAccessTokenGrain), "00:02:00")]
    [InlineData(typeof(SessionRevocationGrain), "00:02:00")]
    public void Idle_activations_are_collected_after_the_declared_age_in_the_running_cluster(Type grain, string age)
    {
        var silo = cluster.Silos[0];
        var type = silo.GetRequiredService<GrainTypeResolver>().GetGrainType(grain);

        var properties = silo.GetRequiredService<GrainPropertiesResolver>().GetGrainProperties(type);

        Assert.Equal(TimeSpan.Parse(age, System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.Parse(properties.Properties[WellKnownGrainTypeProperties.IdleDeactivationPeriod], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(typeof(SubjectSessionGrain), 15)]
    [InlineData(typeof(TokenExchange.Grains.Users.UserGrain), 2)]
    [InlineData(typeof(TokenExchange.Grains.Users.UserIndexGrain), 2)]
    public void Per_subject_activations_are_collected_after_their_idle_minutes_by_default(Type grain, int minutes)
    {
        var collection = cluster.Silos[0].GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GrainCollectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(minutes), collection.ClassSpecificCollectionAge[grain.FullName!]);
    }

    [Fact]
    public async Task A_subject_keeps_at_most_the_newest_refresh_token_families()
    {
        var subject = Unique("families");
        var session = cluster.Grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(Partner, "https://idp.test", subject));
        var request = new SubjectUserRequest
        {
            HandlerName = Partner,
            ClientId = Orders,
            AllowUserCreation = true,
            Subject = new ValidatedSubject { Subject = subject, Issuer = "https://idp.test", FederationId = subject, Claims = new Dictionary<string, string> { ["sub"] = subject } },
            Refresh = new RefreshGrant { ClientId = Orders, HandlerName = Partner, Scopes = ["api"] },
            RefreshLifetime = TimeSpan.FromHours(1),
        };

        var tokens = new List<string>();
        for (var i = 0; i < SubjectSessionGrain.MaxFamilies + 20; i++)
        {
            var resolution = await session.ResolveUser(request);
            Assert.True(resolution.RefreshToken is not null, resolution.Error?.ToString());
            tokens.Add(resolution.RefreshToken);
        }

        async Task<bool> Active(string token)
        {
            var handle = await cluster.Grains.GetGrain<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(token)).Get();
            return await session.InspectRefreshToken(handle!.FamilyId, OpaqueTokens.Hash(token), new RefreshTokenPolicy { Enabled = true, Lifetime = TimeSpan.FromHours(1) }) is not null;
        }
        var active = 0;
        foreach (var token in tokens) active += await Active(token) ? 1 : 0;

        Assert.Equal(SubjectSessionGrain.MaxFamilies, active);
        Assert.False(await Active(tokens[0]));
        Assert.True(await Active(tokens[^1]));
    }
}
