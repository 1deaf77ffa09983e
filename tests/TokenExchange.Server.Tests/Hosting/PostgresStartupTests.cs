using TokenExchange.Server.Hosting;
using TokenExchange.Storage;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>A wrong or unreachable database stops start-up with one clear message, never the password.</summary>
public sealed class PostgresStartupTests
{
    [Fact]
    public async Task An_unreachable_database_fails_start_up_with_a_clear_message()
    {
        await using var server = TokenExchangeServer.Create(["--postgres", "Host=127.0.0.1;Port=1;Username=tx;Password=not-to-be-shown;Timeout=2",
            "--key-encryption-key", Convert.ToBase64String(new byte[32]),
            "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0", .. ClusterCertificateFiles.ForTests.Arguments]);

        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => server.StartAsync());

        Assert.StartsWith("cannot connect to PostgreSQL at 127.0.0.1:1/", e.Message);
        Assert.DoesNotContain("not-to-be-shown", e.Message);
    }

    [Fact]
    public void Postgres_without_a_key_encryption_key_is_refused_with_how_to_make_one()
    {
        var e = Assert.Throws<ArgumentException>(() => TokenExchangeServer.Create(["--postgres", "Host=127.0.0.1;Username=tx"]));

        Assert.StartsWith("--key-encryption-key", e.Message);
        Assert.Contains("openssl rand -base64 32", e.Message);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_before_anything_starts()
    {
        var e = Assert.Throws<ArgumentException>(() => TokenExchangeServer.Create(["--postgres", "Host;==nonsense"]));

        Assert.StartsWith("invalid PostgreSQL connection string", e.Message);
    }
}
