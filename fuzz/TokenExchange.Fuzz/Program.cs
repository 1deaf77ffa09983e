using SharpFuzz;

namespace TokenExchange.Fuzz;

/// <summary>
/// One fuzz target per run, named by the first argument. Under afl-fuzz (scripts/fuzz.sh) SharpFuzz's
/// out-of-process fork server feeds it inputs; a hang or a crash of the child is reported and the child
/// restarted. Outside afl-fuzz it runs once on standard input, which replays a finding with its stack trace:
/// <c>dotnet TokenExchange.Fuzz.dll form &lt; crash-file</c>.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Func<IFuzzTarget>> Targets = new(StringComparer.Ordinal)
    {
        ["form"] = () => new TokenFormTarget(),
        ["jwt"] = () => new SubjectTokenTarget(),
        ["config"] = () => new ConfigTarget(),
        ["grpc"] = () => new GrpcRequestTarget(),
    };

    public static int Main(string[] args)
    {
        if (args.Length != 1 || !Targets.TryGetValue(args[0], out var create))
        {
            Console.Error.WriteLine($"usage: TokenExchange.Fuzz <{string.Join('|', Targets.Keys)}>  (input on standard input)");
            return 2;
        }
        // Created inside the fuzzed action: instrumented code may run only once SharpFuzz has set up the coverage map.
        IFuzzTarget? target = null;
        var replaying = Environment.GetEnvironmentVariable("__AFL_SHM_ID") is null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var outcome = (target ??= create()).Run(buffer.ToArray());
            if (replaying) Console.WriteLine(outcome);
        });
        return 0;
    }
}
