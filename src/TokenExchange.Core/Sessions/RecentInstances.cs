namespace TokenExchange.Sessions;

/// <summary>
/// A fixed table of recently seen values, to hand a value that repeats the instance an earlier equal one brought, so
/// that what stays in memory with many cache entries is held once (claim names' layouts, time values). Overwritten,
/// never grown: a value it does not hold is kept by whoever brought it and takes its slot. A race between two callers
/// at most loses a share, never mixes up values; an instance in the table is never written again.
/// </summary>
internal sealed class RecentInstances<T>(int slots, IEqualityComparer<T> comparer) where T : class
{
    private readonly T?[] recent = new T?[slots];

    /// <summary>The held instance equal to <paramref name="value"/>, or <paramref name="value"/> itself.</summary>
    public T Share(T value)
    {
        var slot = (int)((uint)comparer.GetHashCode(value) % (uint)recent.Length);
        if (Volatile.Read(ref recent[slot]) is { } held && comparer.Equals(held, value)) return held;
        Volatile.Write(ref recent[slot], value);
        return value;
    }
}
