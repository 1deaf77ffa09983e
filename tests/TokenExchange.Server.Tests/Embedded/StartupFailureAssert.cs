namespace TokenExchange.Server.Tests.Embedded;

/// <summary>How every start-up failure must look: its exit code, one line on stderr, no stack trace anywhere.</summary>
public static class StartupFailureAssert
{
    public static void OneLine(ServerProcessRun server, int exitCode, int expectedExitCode, string expectedText)
    {
        Assert.True(exitCode == expectedExitCode, $"exit code {exitCode}, expected {expectedExitCode}:\n{server.Log}");
        var lines = server.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{server.Log}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expectedText, lines[0]);
        Assert.False((server.Output + server.Error).Contains("   at ", StringComparison.Ordinal), $"a stack trace was printed:\n{server.Log}");
    }
}
