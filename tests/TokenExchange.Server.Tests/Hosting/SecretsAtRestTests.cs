using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TokenExchange.Clients;
using TokenExchange.Server.Admin;
using TokenExchange.Testing;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// What PostgreSQL holds after a silo seeded its definitions and made its signing key: client secrets only as
/// hashes, signing keys only encrypted under the key-encryption key, admin keys not at all (only their hashes,
/// in memory). The raw grain state is searched byte for byte.
/// </summary>
public sealed class SecretsAtRestTests
{
    private const string ClientSecret = "at-rest-client-secret-0123456789";
    private const string AdminKey = "at-rest-admin-key-0123456789abcdef";

    [Fact]
    public async Task The_database_holds_hashes_of_secrets_and_encrypted_signing_keys_only()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var keyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = await LoopbackServer.StartAsync(TestConfig.Create()
            .App("at-rest-app", a => a.Secret(ClientSecret).Exchange())
            .Admin(key: AdminKey)
            .ToYaml(), ["--postgres", database.ConnectionString, "--migrate", "true", "--key-encryption-key", keyEncryptionKey,
            .. ClusterCertificateFiles.ForTests.Arguments]);
        var ring = server.Services.GetRequiredService<ISigningKeySource>().Ring;
        var privateScalar = JsonDocument.Parse(ring.Current.ToPrivateJwk()).RootElement.GetProperty("d").GetString()!;

        var stored = await AllGrainStateAsync(database.ConnectionString);

        Assert.True(Contains(stored, ClientSecretHasher.Hash(ClientSecret)), "the app's secret hash is stored (the search looks at the right data)");
        Assert.True(Contains(stored, ring.Current.KeyId), "the signing key's record is stored");
        Assert.False(Contains(stored, ClientSecret), "a client secret in plaintext");
        Assert.False(Contains(stored, AdminKey), "an admin key in plaintext");
        Assert.False(Contains(stored, privateScalar), "a signing key's private part in plaintext");
        Assert.False(Contains(stored, keyEncryptionKey), "the key-encryption key");

        var adminKeys = server.Services.GetRequiredService<AdminAuthority>().KeyHashes;
        Assert.Equal([ClientSecretHasher.Hash(AdminKey)], adminKeys);
    }

    private static async Task<byte[]> AllGrainStateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT payloadbinary FROM orleansstorage WHERE payloadbinary IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var all = new MemoryStream();
        while (await reader.ReadAsync()) all.Write((byte[])reader[0]);
        return all.ToArray();
    }

    private static bool Contains(byte[] haystack, string value) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0;
}
