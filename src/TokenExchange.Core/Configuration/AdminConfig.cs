using TokenExchange.Clients;

namespace TokenExchange.Configuration;

/// <summary>The <c>admin:</c> section: who holds admin authority (keys, and the apps and users whose tokens count).</summary>
internal static class AdminConfig
{
    /// <summary>Admin keys guard every definition of the cluster: longer than client secrets.</summary>
    public const int KeyMinimumLength = 24;

    /// <summary>The admin keys' hashes: plaintext keys hashed here, given hashes checked.</summary>
    public static string[] KeyHashes(AdminModel? m, List<string> problems)
    {
        if (m is null) return [];
        var hashes = new List<string>();
        if (m.Key is { } key)
        {
            if (key.Length < KeyMinimumLength) problems.Add($"admin.key must be at least {KeyMinimumLength} characters (use a high-entropy key)");
            hashes.Add(ClientSecretHasher.Hash(key));
        }
        foreach (var hash in m.KeyHashes)
        {
            if (!ClientSecretHasher.IsWellFormedHash(hash)) problems.Add("admin.keyHashes: each must be 'sha256:' and the base64 of 32 bytes");
            else hashes.Add(hash);
        }
        return [.. hashes];
    }

    public static AdminTokenHolders TokenHolders(AdminModel? m, List<string> problems)
    {
        if (m is null) return AdminTokenHolders.None;
        if (m.Clients.Any(string.IsNullOrWhiteSpace) || m.Users.Any(string.IsNullOrWhiteSpace))
            problems.Add("admin.clients and admin.users: each must be a client id or user id, not empty");
        // Users alone would grant nothing (a token counts only from a listed client): say so instead of ignoring them.
        if (m.Users.Count > 0 && m.Clients.Count == 0)
            problems.Add("admin.users needs admin.clients: an admin token counts only when its app is listed in admin.clients");
        return new AdminTokenHolders([.. m.Clients], [.. m.Users]);
    }
}
