using System.Net;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>The configuration file's server: section sets server options; the command line overrides it.</summary>
public sealed class ServerSectionTests
{
    [Fact]
    public async Task Server_options_come_from_the_file_and_the_command_line_wins()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tx-server-section-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, """
            server:
              devIssuer: "false"
              issuer: https://from-the-file.example
            apps: []
            """);
        try
        {
            await using var server = TokenExchangeServer.Create(["--config", path, "--issuer", "https://from-the-command-line.example",
                "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0", "--ephemeral", "true"]);
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = server.HttpAddress };

            using var devIssuer = await http.GetAsync("/dev-issuer/jwks.json");

            Assert.Equal(HttpStatusCode.NotFound, devIssuer.StatusCode);
            Assert.Equal("https://from-the-command-line.example", server.Issuer);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
