using System.Text;
using TokenExchange.Clients;
using TokenExchange.Configuration;

namespace TokenExchange.Fuzz;

/// <summary>
/// The YAML configuration loader: <see cref="ConfigLoader.Parse(string)"/> deserializes, checks every
/// definition and the invariants across them. Input: the file's bytes as UTF-8. Promises: no exception
/// other than <see cref="ConfigException"/>, whose problems are non-empty; a loaded configuration holds no
/// plaintext secret (they are hashed on load).
/// </summary>
public sealed class ConfigTarget : IFuzzTarget
{
    public string Run(byte[] input)
    {
        var yaml = Encoding.UTF8.GetString(input);
        ClusterDefinitions definitions;
        try
        {
            definitions = ConfigLoader.Parse(yaml);
        }
        catch (ConfigException e)
        {
            Expect.That(e.Problems.Count > 0 && e.Problems.All(p => p.Length > 0), "a ConfigException without its problems");
            return $"refused: {e.Problems.Count} problem(s), the first: {e.Problems[0]}";
        }
        Expect.That(definitions.Apps.All(a => a.SecretHashes.All(ClientSecretHasher.IsWellFormedHash)), "an app secret kept unhashed");
        return $"loaded: {definitions.Apps.Count} app(s), {definitions.Handlers.Count} handler(s), {definitions.Users.Count} user(s)";
    }
}
