namespace TokenExchange.Sessions;

/// <summary>
/// The claim names, in order, of the tokens one handler verified recently, so that tokens with the same names in the
/// same order (every token of one IdP, as a rule: <c>iss, sub, aud, exp, iat, jti</c>, …) hold one array of them
/// between them and only their values each (<see cref="ClaimSet"/>). A table of <see cref="Slots"/> layouts
/// (<see cref="RecentInstances{T}"/>); a layout it does not hold is kept by the token that brought it.
/// </summary>
public sealed class ClaimLayouts
{
    /// <summary>Layouts held: an IdP issues a few kinds of token, each with its own layout.</summary>
    internal const int Slots = 16;

    private readonly RecentInstances<string[]> recent = new(Slots, NameSequence.Instance);

    /// <summary>The held array equal to <paramref name="names"/> (same names, same order, ordinal), or <paramref name="names"/>, which then takes its slot.</summary>
    public string[] Share(string[] names) => recent.Share(names);

    private sealed class NameSequence : IEqualityComparer<string[]>
    {
        public static readonly NameSequence Instance = new();

        public bool Equals(string[]? x, string[]? y) => x.AsSpan().SequenceEqual(y, StringComparer.Ordinal);

        public int GetHashCode(string[] names)
        {
            var hash = new HashCode();
            foreach (var name in names) hash.Add(name, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
