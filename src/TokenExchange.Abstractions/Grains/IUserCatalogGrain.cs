namespace TokenExchange.Abstractions;

/// <summary>
/// One bucket of the list of user ids (key: <c>users/NNNN</c>), so users can be listed without a grain that
/// every user creation would serialise on. A user's bucket is a stable hash of its id. A bucket's state is
/// written whole on every new user, so there are many buckets: with a million users each holds about a
/// thousand ids, which keeps that write small.
/// </summary>
[Alias("tx.IUserCatalogGrain")]
public interface IUserCatalogGrain : IGrainWithStringKey
{
    const int Buckets = 1024;

    [Alias("Add")] Task Add(string userId);

    /// <summary>Up to <paramref name="limit"/> ids after <paramref name="after"/> (ordinal order).</summary>
    [Alias("List")] Task<string[]> List(string? after, int limit);

    static string KeyFor(string userId)
    {
        var hash = 2166136261u; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in userId) hash = (hash ^ c) * 16777619u;
        return $"users/{hash % Buckets:D4}";
    }

    static IEnumerable<string> AllKeys() => Enumerable.Range(0, Buckets).Select(i => $"users/{i:D4}");
}
