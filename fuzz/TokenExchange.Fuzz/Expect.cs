using TokenExchange.Exchange;

namespace TokenExchange.Fuzz;

/// <summary>A broken promise of the code under test: thrown, it is a crash to afl-fuzz.</summary>
public sealed class FuzzFinding(string message) : Exception(message);

/// <summary>The promises every harness checks on a result, besides "no unexpected exception".</summary>
public static class Expect
{
    public static void That(bool condition, string promise)
    {
        if (!condition) throw new FuzzFinding(promise);
    }

    /// <summary>
    /// A refusal is one of the codes the entry point documents, and its client-facing description is clean
    /// text (README error table; no control characters or line separators that could forge a log line).
    /// </summary>
    public static void Refusal(OAuthError error, params string[] codes)
    {
        That(codes.Contains(error.Code), $"refused with undocumented code '{error.Code}'");
        That(error.Description.Length > 0 && ParameterText.IsClean(error.Description), $"{error.Code}: description is empty or not clean text");
    }

    /// <summary>What reaches the exchange is clean: every front door refuses a parameter that is not (docs/spec.md).</summary>
    public static void Clean(string? value, string parameter) =>
        That(value is null || ParameterText.IsClean(value), $"{parameter} passed the front door with control characters or invalid UTF-8");
}
