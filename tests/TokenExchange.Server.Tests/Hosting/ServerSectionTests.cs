using System.Net;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>The configuration file's server: section sets server options; the command line overrides it.</summary>
public sealed class ServerSectionTests
{
    [Fact]
    public async Task Server_options_come_from_the_file_and_the_command_line_wins()
    {
        // The server section as operators write it (the YAML is what is under test here).
        await using var server = await LoopbackServer.StartAsync("""
            server:
              devIssuer: "false"
              issuer: https://from-the-file.example
            apps: []
            """, "--issuer", "https://from-the-command-line.example");
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        using var devIssuer = await http.GetAsync("/dev-issuer/jwks.json");

        Assert.Equal(HttpStatusCode.NotFound, devIssuer.StatusCode);
        Assert.Equal("https://from-the-command-line.example", server.Issuer);
    }
}
