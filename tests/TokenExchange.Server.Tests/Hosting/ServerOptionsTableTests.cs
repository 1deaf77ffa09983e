using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>README's options table is the declared options (<see cref="ServerOptions"/>), row for row.</summary>
public sealed class ServerOptionsTableTests
{
    [Fact]
    public void Readme_options_table_lists_each_declared_option_with_its_default_and_meaning()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var table = readme.SkipWhile(line => line != "## Server command line")
            .SkipWhile(line => !line.StartsWith("| option |", StringComparison.Ordinal))
            .Skip(2)
            .TakeWhile(line => line.StartsWith('|'))
            .ToList();
        var declared = ServerOptions.All.Select(o => o.TableRow).ToList();

        Assert.True(declared.SequenceEqual(table), "README's options table (## Server command line) should be:\n" + string.Join("\n", declared));
    }

    [Fact]
    public void Each_switch_sets_the_configuration_key_of_its_name_in_camel_case()
    {
        Assert.Equal(ServerOptions.All.Count, ServerSettings.SwitchMappings.Count);
        Assert.Equal("devIssuerKey", ServerSettings.SwitchMappings["--dev-issuer-key"]);
        Assert.Equal("iAmAlivePeriod", ServerSettings.SwitchMappings["--i-am-alive-period"]);
        Assert.Equal("http", ServerSettings.SwitchMappings["--http"]);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Cluster.sln) not found above " + AppContext.BaseDirectory);
    }
}
