using System.Globalization;
using System.Net;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// An option's text as given, read as the kind of value the option holds. Nothing here reads a file: a
/// malformed value fails with an <see cref="ArgumentException"/> whose message starts with the option's name.
/// </summary>
public readonly record struct OptionText(string Option, string Text)
{
    /// <summary>"--option: 'text' <paramref name="why"/>".</summary>
    public ArgumentException Error(string why) => new($"{Option}: '{Text}' {why}");

    /// <summary>The text, or null when it is empty (the option left at its default).</summary>
    public string? NonEmpty() => Text.Length > 0 ? Text : null;

    /// <summary>The text, or null when it is empty or only white space.</summary>
    public string? NonBlank() => string.IsNullOrWhiteSpace(Text) ? null : Text;

    public bool? Bool() => bool.TryParse(Text, out var b) ? b : throw Error("is not true or false");

    public int? Port() => int.TryParse(Text, out var p) && p is >= 0 and <= 65535 ? p : throw Error("is not a port");

    public int? Count() => int.TryParse(Text, out var n) && n is >= 1 and <= 100 ? n : throw Error("is not a count from 1 to 100");

    /// <summary>A membership timing: more than zero, at most an hour.</summary>
    public TimeSpan? ShortDuration() =>
        TimeSpan.TryParse(Text, CultureInfo.InvariantCulture, out var d) && d > TimeSpan.Zero && d <= TimeSpan.FromHours(1) ? d
        : throw Error("is not a duration (hh:mm:ss) of at most an hour");

    public TimeSpan? Duration(TimeSpan min, TimeSpan max) =>
        TimeSpan.TryParse(Text, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max ? d
        : throw Error($"is not a duration ([d.]hh:mm:ss) between {min} and {max}");

    /// <summary>An absolute http:// or https:// URL, with any host.</summary>
    public Uri? Url() =>
        Uri.TryCreate(Text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url
        : throw Error("is not an http(s):// URL");

    /// <summary>A URL to listen on: its host an IP address or localhost.</summary>
    public Uri? ListenUrl()
    {
        var url = Url()!;
        if (url.HostNameType == UriHostNameType.Dns && !url.IsLoopback)
            throw new ArgumentException($"{Option}: use an IP address or localhost to listen on, not '{url.Host}'");
        return url;
    }

    public IPAddress? Address() => IPAddress.TryParse(Text, out var a) ? a : throw Error("is not an IP address");

    /// <summary>An Orleans id: 1-64 letters, digits, '-', '_' or '.'.</summary>
    public string? Name() =>
        Text.Length is > 0 and <= 64 && Text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? Text
        : throw Error("must be 1-64 letters, digits, '-', '_' or '.'");
}
