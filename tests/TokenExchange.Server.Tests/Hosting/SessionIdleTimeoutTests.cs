using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>--session-idle-timeout: a subject's grains leave memory after that long without an exchange.</summary>
public sealed class SessionIdleTimeoutTests
{
    [Fact]
    public void The_option_is_read_and_bounded()
    {
        var switches = ServerSettings.SwitchMappings.ToDictionary();
        var settings = ServerSettings.From(new ConfigurationBuilder().AddCommandLine(["--session-idle-timeout", "00:02:00"], switches).Build());
        Assert.Equal(TimeSpan.FromMinutes(2), settings.SessionIdleTimeout);
        Assert.Null(ServerSettings.From(new ConfigurationBuilder().Build()).SessionIdleTimeout);

        var e = Assert.Throws<ArgumentException>(() =>
            ServerSettings.From(new ConfigurationBuilder().AddCommandLine(["--session-idle-timeout", "00:00:01"], switches).Build()));
        Assert.StartsWith("--session-idle-timeout", e.Message);
    }

    [Fact]
    public async Task Idle_subject_grains_are_deactivated_after_the_timeout()
    {
        await using var server = await LoopbackServer.StartAsync(null, "--session-idle-timeout", "00:00:10");
        var collection = server.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        // Below the user directory's own age (2 min), the user and index grains go with the sessions.
        foreach (var grainClass in new[] { typeof(Grains.Sessions.SubjectSessionGrain), typeof(Grains.Users.UserGrain), typeof(Grains.Users.UserIndexGrain) })
            Assert.Equal(TimeSpan.FromSeconds(10), collection.ClassSpecificCollectionAge[grainClass.FullName!]);
        Assert.Equal(TimeSpan.FromSeconds(5), collection.CollectionQuantum);

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var minted = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "idle-subject-1")]));
        var subjectToken = JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var exchanged = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), new("client_id", "orders-service"),
            new("client_secret", "orders-secret-0123456789abcdef"), new("subject_token", subjectToken),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), new("token_handler", "dev-idp"),
        ]));
        Assert.True(exchanged.IsSuccessStatusCode, await exchanged.Content.ReadAsStringAsync());

        var management = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        Assert.True(await SessionCount(management) > 0, "the exchange activated no subject session");

        // Bounded wait for an eventual condition: 10 s idle, checked every 5 s quantum, well within a minute.
        Assert.Equal(0, await Poll.LastAsync(() => SessionCount(management), count => count == 0, TimeSpan.FromSeconds(60), step: TimeSpan.FromSeconds(1)));
    }

    private static async Task<int> SessionCount(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(Grains.Sessions.SubjectSessionGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
}
