using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>The kinds of subject token the harness makes: one valid kind and the invalid ones of <c>--invalid-kinds</c>.</summary>
public enum SubjectTokenKind
{
    Valid,
    Expired,
    BadSignature,
    WrongAudience,
    UnknownUser,
}

/// <summary>
/// Mints the synthetic subjects' tokens as their identity provider would (Microsoft.IdentityModel), before
/// the run and on every core, so that signing never competes with the server during the measurement.
/// </summary>
public sealed class SubjectTokens(SubjectKey key, string issuer, string audience, TimeProvider time)
{
    public const string SubjectPrefix = "bench-user-";
    public const string UnknownSubjectPrefix = "bench-unknown-";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly SubjectKey impostor = key.Impostor();

    /// <summary>The tokens' <c>scope</c> claim (space-separated), or none: a transaction token's scope must be within it.</summary>
    public string? Scope { get; init; }

    /// <summary>Valid tokens minted before (<see cref="SubjectTokenFile"/>), subject i's at index i: used instead of new ones.</summary>
    public IReadOnlyList<string>? Saved { get; set; }

    private static int? SavedIndex(string subject) =>
        subject.StartsWith(SubjectPrefix, StringComparison.Ordinal)
        && int.TryParse(subject.AsSpan(SubjectPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : null;

    public static string Subject(int index) => SubjectPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One token per item, in parallel; <paramref name="lifetime"/> must cover the whole run.</summary>
    public string[] MintAll(IReadOnlyList<(string Subject, SubjectTokenKind Kind)> items, TimeSpan lifetime)
    {
        var tokens = new string[items.Count];
        Parallel.For(0, items.Count, i => tokens[i] = Mint(items[i].Subject, items[i].Kind, lifetime));
        return tokens;
    }

    public string Mint(string subject, SubjectTokenKind kind, TimeSpan lifetime)
    {
        if (kind == SubjectTokenKind.Valid && Saved is { } saved && SavedIndex(subject) is { } index && index < saved.Count) return saved[index];
        var now = time.GetUtcNow();
        // An expired token was issued two lifetimes ago; an hour past its end is beyond any clock skew.
        var issuedAt = kind == SubjectTokenKind.Expired ? now - lifetime - TimeSpan.FromHours(2) : now;
        var expires = kind == SubjectTokenKind.Expired ? now - TimeSpan.FromHours(1) : now + lifetime;
        var signer = kind == SubjectTokenKind.BadSignature ? impostor : key;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = kind == SubjectTokenKind.WrongAudience ? "bench-wrong-audience" : audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = Scope is null
                ? new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject, [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N") }
                : new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject, [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"), ["scope"] = Scope },
            SigningCredentials = new SigningCredentials(signer.Key, signer.Algorithm),
        });
    }
}
