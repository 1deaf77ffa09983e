using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// The server watches no configuration file. ASP.NET Core's default reloads appsettings.json on change, which has
/// the host watch its content root, the working directory, and every folder below it (an inotify watch each), and
/// wake on every write there: the embedded database's too, when its folder lies below.
/// </summary>
public sealed class FileWatchTests
{
    [Fact]
    public async Task No_configuration_source_is_watched_for_changes()
    {
        await using var server = LoopbackServer.Create([]);

        var root = (IConfigurationRoot)server.Services.GetRequiredService<IConfiguration>();

        var watched = root.Providers.OfType<FileConfigurationProvider>().Where(p => p.Source.ReloadOnChange).Select(p => p.Source.Path).ToList();
        Assert.True(watched.Count == 0, $"watched for changes: {string.Join(", ", watched)}");
    }
}
