using TokenExchange.Server.Embedded;
using TokenExchange.Storage;

namespace TokenExchange.Server.Hosting;

/// <summary>What the server prints when it is ready: where it listens, where its state is (or that it is not durable), and how to try it.</summary>
public static class Banner
{
    private const string DevClient = "orders-service";
    private const string DevSecret = "orders-secret-0123456789abcdef";

    public static void Print(TokenExchangeServer server, TextWriter output)
    {
        var http = server.HttpAddress.ToString().TrimEnd('/');
        var grpc = server.GrpcAddress.ToString().TrimEnd('/');
        var devTokenServer = http == "http://127.0.0.1:8080" ? "" : $" --server {http}";
        var exchangeServer = grpc == "http://127.0.0.1:8081" ? "" : $" --server {grpc}";
        var mode = server.Settings.Postgres is { } postgres
            ? $"""
              Token exchange cluster: silo of cluster '{server.Settings.ClusterId}' (service '{server.Settings.ServiceId}')
              State in PostgreSQL at {PostgresConnections.Describe(PostgresConnections.Parse(postgres))}
            """
            : server.Settings.Data is { } data
            ? $"""
              Token exchange cluster (embedded default: one silo, localhost clustering)
              State in SQLite at {Path.Combine(data, EmbeddedDataFolder.DatabaseFileName)}
              (--data DIR for another folder, --ephemeral true for memory only)
            """
            : """
              Token exchange cluster (embedded, --ephemeral: one silo, localhost clustering)
              !! STATE IS NOT DURABLE: in-memory grain storage and a generated dev signing
              !! key. Apps, users and sessions are lost when this process stops.
            """;
        output.WriteLine($"""

        ================================================================================
        {mode}
        --------------------------------------------------------------------------------
          HTTP   {http}   (issuer {server.Issuer})
          gRPC   {grpc}   ({(server.Settings.Tls is null ? "HTTP/2 cleartext" : "HTTP/2 over TLS")})
          JWKS   {http}/oauth2/jwks
          config {server.Settings.ConfigPath}{(server.Settings.Tls is { AllowClientCertificates: true } ? Environment.NewLine + "  mTLS   client certificates accepted (RFC 8705 apps)" : "")}
        """);
        // The sample command uses the sample app of config/dev.yaml; another configuration has its own apps.
        if (server.Settings.DevIssuer && server.Settings.ConfigPath == ServerSettings.DefaultConfigPath)
        {
            output.WriteLine($"""
              dev issuer {server.Issuer}/dev-issuer (mints subject tokens for any subject)

              Try an exchange (from the repository root); dev-idp creates a user for a new subject and links it:
                ./txctl exchange{exchangeServer} --client-id {DevClient} --client-secret {DevSecret} --handler dev-idp --scope api --subject-token "$(./txctl dev-token{devTokenServer} --sub dev-user-1)"
            """);
        }
        output.WriteLine("================================================================================");
        output.Flush();
    }
}
