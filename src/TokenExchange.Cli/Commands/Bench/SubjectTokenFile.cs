using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// The subjects' valid tokens kept in a file (<c>--subject-tokens-file</c>), one line per subject from bench-user-0, so
/// that several runs against one server present the same token for each subject, as active subjects do: a token the
/// server verified once is then a hit of its verified-token cache in every later run, whichever process sends it.
/// </summary>
public static class SubjectTokenFile
{
    /// <summary>Tokens written to the file live this long at least: the runs that reuse them may span hours.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>How long a token read from the file must still be valid; else the file is minted afresh.</summary>
    public static readonly TimeSpan MinimumLeft = TimeSpan.FromHours(1);

    /// <summary>
    /// The first <paramref name="subjects"/> tokens of the file. When it holds fewer, the missing subjects' tokens are
    /// minted and added (the others stay what earlier runs presented); when its tokens end within the hour, or it holds
    /// none of ours, all are minted afresh.
    /// </summary>
    public static async Task<string[]> LoadOrMintAsync(string path, int subjects, SubjectTokens tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        var kept = File.Exists(path) ? await File.ReadAllLinesAsync(path, cancellationToken) : [];
        if (kept.Length > 0 && !LastsLongEnough(kept[0], time)) kept = [];
        if (kept.Length >= subjects) return kept[..subjects];
        var minted = tokens.MintAll([.. Enumerable.Range(kept.Length, subjects - kept.Length).Select(i => (SubjectTokens.Subject(i), SubjectTokenKind.Valid))], Lifetime);
        string[] all = [.. kept, .. minted];
        await File.WriteAllLinesAsync(path, all, cancellationToken);
        return all;
    }

    private static bool LastsLongEnough(string token, TimeProvider time)
    {
        try
        {
            return new JsonWebToken(token).ValidTo > time.GetUtcNow().UtcDateTime + MinimumLeft;
        }
        catch (ArgumentException)
        {
            // Not a JWT: the file is not one of ours, and is minted over.
            return false;
        }
    }
}
