namespace TokenExchange.Sessions;

/// <summary>
/// The claim names, in order, of the tokens one handler verified recently, so that tokens with the same names in the
/// same order (every token of one IdP, as a rule: <c>iss, sub, aud, exp, iat, jti</c>, …) hold one array of them
/// between them and only their values each (<see cref="ClaimSet"/>). A fixed table of <see cref="Slots"/> layouts,
/// overwritten, never grown; a layout it does not hold is kept by the token that brought it. A race between two
/// tokens at most loses a share: an array in the table is never written again.
/// </summary>
public sealed class ClaimLayouts
{
    /// <summary>Layouts held: an IdP issues a few kinds of token, each with its own layout.</summary>
    internal const int Slots = 16;

    private readonly string[]?[] recent = new string[]?[Slots];

    /// <summary>The held array equal to <paramref name="names"/> (same names, same order, ordinal), or <paramref name="names"/>, which then takes its slot.</summary>
    public string[] Share(string[] names)
    {
        var hash = new HashCode();
        foreach (var name in names) hash.Add(name, StringComparer.Ordinal);
        var slot = (int)((uint)hash.ToHashCode() % Slots);
        if (Volatile.Read(ref recent[slot]) is { } held && held.AsSpan().SequenceEqual(names, StringComparer.Ordinal)) return held;
        Volatile.Write(ref recent[slot], names);
        return names;
    }
}
