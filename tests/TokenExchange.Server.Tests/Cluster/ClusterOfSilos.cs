using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// N silos as real processes on one fresh PostgreSQL database, trusting a test IdP whose JWKS a loopback
/// listener serves. Every silo shares one issuer, as behind a load balancer.
/// </summary>
public sealed class ClusterOfSilos : IAsyncDisposable
{
    public const string Issuer = "http://sts.cluster.test";
    public const string Secret = "orders-secret-0123456789abcdef";
    public const string AdminKey = "cluster-admin-key-0123456789abcdef";

    /// <summary>One key-encryption key for the whole cluster, made per test run.</summary>
    public static readonly string KeyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private ClusterOfSilos(PostgresDatabase? database, JwksServer jwks, TestIdp idp, string configPath, SiloProcess[] silos, ClusterCertificateFiles certificate)
    {
        Certificate = certificate;
        Database = database;
        Jwks = jwks;
        Idp = idp;
        ConfigPath = configPath;
        Silos = silos;
    }

    public PostgresDatabase? Database { get; }
    public JwksServer Jwks { get; }
    public TestIdp Idp { get; }
    public string ConfigPath { get; }
    public SiloProcess[] Silos { get; }

    /// <summary>The cluster certificate every silo presents (mutual TLS between silos), issued by a CA of this cluster's own.</summary>
    public ClusterCertificateFiles Certificate { get; }

    /// <summary>The database the silos cluster through (membership table and grain state).</summary>
    public string ConnectionString { get; private init; } = "";

    /// <param name="count">How many silos.</param>
    /// <param name="postgres">A database to use; by default a fresh one on the shared test server.</param>
    /// <param name="extraArguments">More server options for every silo.</param>
    public static async Task<ClusterOfSilos> StartAsync(int count, string? postgres = null, IReadOnlyList<string>? extraArguments = null)
    {
        var database = postgres is null ? await PostgresDatabase.CreateAsync() : null;
        var connection = postgres ?? database!.ConnectionString;
        var idp = new TestIdp("https://idp.cluster.test");
        var jwks = await JwksServer.StartAsync(idp);
        var configPath = Path.Combine(Path.GetTempPath(), $"tx-cluster-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(configPath, TestConfig.Create()
            .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api"))
            .JwtHandler("partner", h => h
                .Accepts("jwt")
                .UserMapping(linkExisting: true)
                .Issuer(idp.Issuer)
                .Jwks(jwks.JwksUri)
                .Audiences("token-exchange")
                .Algorithms("ES256")
                .Enable("orders-service", isDefault: true, allowUserCreation: true))
            .JwtHandler("secondary", h => h
                .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
                .Enable("orders-service", allowUserCreation: true))
            .User("u-alice", u => u.FederationId("alice-ext-1"))
            .Admin(key: AdminKey)
            .ToYaml());
        var certificate = ClusterCertificateFiles.NewCluster();
        var silos = Enumerable.Range(0, count).Select(i => new SiloProcess(((char)('A' + i)).ToString(), configPath, connection, certificate.Arguments) { ExtraArguments = extraArguments ?? [] }).ToArray();
        var cluster = new ClusterOfSilos(database, jwks, idp, configPath, silos, certificate) { ConnectionString = connection };
        try
        {
            // The first silo migrates and seeds alone; the others then join at once.
            await silos[0].StartAsync();
            await Task.WhenAll(silos.Skip(1).Select(s => s.StartAsync()));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public Protos.V1.ExchangeRequest Request(string subject, string? handler = null) => new()
    {
        ClientId = "orders-service",
        ClientSecret = Secret,
        SubjectToken = Idp.Token(subject, expiresIn: TimeSpan.FromHours(1)),
        SubjectTokenType = Clients.JwtType,
        TokenHandler = handler ?? "",
    };

    public string Logs() => string.Join("\n", Silos.Select(s => $"----- silo {s.Name}\n{s.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos) await silo.DisposeAsync();
        await Jwks.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
        File.Delete(ConfigPath);
    }
}
