namespace TokenExchange.Fuzz;

/// <summary>
/// One production entry point fed with the fuzzer's bytes. A documented refusal (an OAuth error, a
/// <c>ConfigException</c>) returns normally; any exception that escapes <see cref="Run"/> is a finding.
/// </summary>
public interface IFuzzTarget
{
    /// <returns>What the code under test did with the input, in a few words (printed when an input is replayed).</returns>
    string Run(byte[] input);
}
