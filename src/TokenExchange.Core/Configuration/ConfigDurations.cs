using System.Globalization;

namespace TokenExchange.Configuration;

/// <summary>The configuration file's durations (<c>hh:mm:ss</c>, <c>d.hh:mm:ss</c>); a malformed one is a problem naming its place.</summary>
internal static class ConfigDurations
{
    /// <summary>The duration, or zero (and a problem) when <paramref name="text"/> is not one.</summary>
    public static TimeSpan Parse(string text, string at, List<string> problems)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)) return value;
        problems.Add($"{at}: '{text}' is not a duration (hh:mm:ss)");
        return TimeSpan.Zero;
    }
}
