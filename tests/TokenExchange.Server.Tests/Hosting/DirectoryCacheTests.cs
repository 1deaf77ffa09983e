using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// Orleans' grain directory cache: off on the embedded default's one silo, which owns the whole directory (the cache
/// only held a copy of each new subject's grain addresses there), and kept by a cluster, where it spares a lookup at
/// another silo (docs/architecture.md, "A warm subject is one activation").
/// </summary>
public sealed class DirectoryCacheTests
{
    [Fact]
    public async Task The_embedded_silo_keeps_no_directory_cache_and_still_exchanges()
    {
        await using var server = await LoopbackServer.StartAsync(null);

        Assert.Equal(GrainDirectoryOptions.CachingStrategyType.None, server.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CachingStrategy);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var minted = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "directory-cache-subject")]));
        var subjectToken = JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        // Two exchanges of one subject: the second reaches the session that the first activated, through the directory.
        for (var i = 0; i < 2; i++)
        {
            var exchanged = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(
            [
                new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), new("client_id", "orders-service"),
                new("client_secret", "orders-secret-0123456789abcdef"), new("subject_token", subjectToken),
                new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), new("token_handler", "dev-idp"),
            ]));
            Assert.True(exchanged.IsSuccessStatusCode, await exchanged.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_cluster_keeps_orleans_default_directory_cache()
    {
        // Built, not started: the options are read without a database.
        await using var server = TokenExchangeServer.Create(["--postgres", "Host=127.0.0.1;Port=1;Username=tx;Timeout=2",
            "--key-encryption-key", Convert.ToBase64String(new byte[32]),
            "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0", .. ClusterCertificateFiles.ForTests.Arguments]);

        var options = server.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
        Assert.Equal(GrainDirectoryOptions.DEFAULT_CACHING_STRATEGY, options.CachingStrategy);
        Assert.Equal(GrainDirectoryOptions.DEFAULT_CACHE_SIZE, options.CacheSize);
    }
}
