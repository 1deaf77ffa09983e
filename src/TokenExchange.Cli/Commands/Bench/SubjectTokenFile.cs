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

    /// <summary>The first <paramref name="subjects"/> tokens of the file, or, when it holds fewer or they expire within the hour, new ones written to it.</summary>
    public static async Task<string[]> LoadOrMintAsync(string path, int subjects, SubjectTokens tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            var lines = await File.ReadAllLinesAsync(path, cancellationToken);
            if (lines.Length >= subjects && subjects > 0 && LastsLongEnough(lines[0], time)) return lines[..subjects];
        }
        var minted = tokens.MintAll([.. Enumerable.Range(0, subjects).Select(i => (SubjectTokens.Subject(i), SubjectTokenKind.Valid))], Lifetime);
        await File.WriteAllLinesAsync(path, minted, cancellationToken);
        return minted;
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
