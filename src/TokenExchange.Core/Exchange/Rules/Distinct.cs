namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Repeated request values, each once, in the order first given, compared exactly. The common case, no repeats,
/// returns the request's own array: the exchange's hot path allocates nothing for it.
/// </summary>
public static class Distinct
{
    public static string[] Of(string[] values) => Of(values, []);

    /// <summary>The values of <paramref name="first"/>, then of <paramref name="second"/>, each once.</summary>
    public static string[] Of(string[] first, string[] second)
    {
        if (second.Length == 0 && !HasRepeats(first)) return first;
        if (first.Length == 0 && !HasRepeats(second)) return second;
        var unique = new List<string>(first.Length + second.Length);
        foreach (var value in first) Add(unique, value);
        foreach (var value in second) Add(unique, value);
        return [.. unique];
    }

    private static void Add(List<string> unique, string value)
    {
        if (!unique.Contains(value)) unique.Add(value);
    }

    /// <summary>Quadratic, and cheaper than a set for the few values a request may carry (<see cref="ExchangeLimits.MaxRepeatedValues"/>).</summary>
    private static bool HasRepeats(string[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (Array.IndexOf(values, values[i], 0, i) >= 0) return true;
        }
        return false;
    }
}
