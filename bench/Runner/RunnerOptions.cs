using System.Globalization;

namespace Bench.Runner;

/// <summary>The runner's command line; every duration is short enough for a 2-core machine (see README).</summary>
public sealed record RunnerOptions
{
    public const string Usage = """
        Runner --root DIR [--quick] [--runs N] [--cases floor,core,embedded,tokens,txn,coldstart,postgres,peers,scale] [--postgres CONNSTR]
               [--concurrency N] [--subjects N] [--scale-subjects N] [--out DIR] [--txctl DLL] [--server DLL] [--server-env NAME=VALUE]...
        """;

    public static readonly string[] AllCases = ["floor", "core", "embedded", "tokens", "txn", "coldstart", "postgres", "peers", "scale"];

    /// <summary>
    /// Subjects of the full run's scale case. Every one is exchanged once before measuring (the first exchange
    /// creates the user, about 3,000/s on 2 busy cores); 1,000,000 would take about 6 min for that alone and
    /// about 9 GB of managed heap, more than this shared machine's run can spend: --scale-subjects 1000000 asks for it.
    /// </summary>
    public const int FullScaleSubjects = 200_000;

    public required string Root { get; init; }
    public bool Quick { get; init; }
    public int Runs { get; init; } = 3;
    public IReadOnlyList<string> Cases { get; init; } = AllCases;
    public string? Postgres { get; init; }
    public int Concurrency { get; init; } = 64;
    public int Subjects { get; init; } = 1000;
    public int ScaleSubjects { get; init; } = 1_000_000;
    public string OutDir { get; init; } = "";

    /// <summary>The load generator's assembly; default the repository's Release txctl.</summary>
    public string? Txctl { get; init; }

    /// <summary>The server's assembly (bench/run.sh passes its ReadyToRun publish); default the Release build output.</summary>
    public string? Server { get; init; }

    /// <summary>Environment variables for every silo the runner starts (to measure runtime settings, e.g. DOTNET_TieredPGO=0).</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Measured window of each load run.</summary>
    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(8);

    /// <summary>Load before each measured window (a run of its own, so the server's CPU window holds only measured work).</summary>
    public TimeSpan Warmup => Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2);

    /// <summary>
    /// Load at the measured rate, in the same load generator process, before an open-model latency window. Each load
    /// run is a new process, whose own code is first-tier JIT and whose connection is new: arrivals keep coming at the
    /// set rate while it compiles, so without this the first second's queue in the generator counted as the server's
    /// latency (about 5 s under load is what a .NET process here needs to reach its steady speed). Only latency is read
    /// from these runs, never CPU, so the warm-up can share the process.
    /// </summary>
    public TimeSpan LatencyWarmup => Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);

    public TimeSpan FloorDuration => Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2);


    public static RunnerOptions Parse(string[] args)
    {
        string? root = null, postgres = null, outDir = null, txctl = null, server = null;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        bool quick = false;
        int? runs = null, concurrency = null, subjects = null, scaleSubjects = null;
        IReadOnlyList<string>? cases = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            int Count(string name) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive number");
            switch (args[i])
            {
                case "--root": root = Value(); break;
                case "--quick": quick = true; break;
                case "--runs": runs = Count("--runs"); break;
                case "--concurrency": concurrency = Count("--concurrency"); break;
                case "--subjects": subjects = Count("--subjects"); break;
                case "--scale-subjects": scaleSubjects = Count("--scale-subjects"); break;
                case "--postgres": postgres = Value(); break;
                case "--out": outDir = Value(); break;
                case "--txctl": txctl = Path.GetFullPath(Value()); break;
                case "--server": server = Path.GetFullPath(Value()); break;
                case "--server-env":
                    var pair = Value().Split('=', 2);
                    if (pair.Length != 2 || pair[0].Length == 0) throw new ArgumentException("--server-env takes NAME=VALUE");
                    environment[pair[0]] = pair[1];
                    break;
                case "--cases":
                    cases = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (cases.FirstOrDefault(c => !AllCases.Contains(c)) is { } unknown) throw new ArgumentException($"--cases: unknown case '{unknown}' ({string.Join(", ", AllCases)})");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }
        root = Path.GetFullPath(root ?? throw new ArgumentException($"--root is required\n{Usage}"));
        return new RunnerOptions
        {
            Root = root,
            Quick = quick,
            Runs = runs ?? (quick ? 1 : 3),
            Cases = cases ?? AllCases,
            Postgres = postgres ?? Environment.GetEnvironmentVariable("BENCH_POSTGRES"),
            Concurrency = concurrency ?? 64,
            Subjects = subjects ?? 1000,
            ScaleSubjects = scaleSubjects ?? (quick ? 20_000 : FullScaleSubjects),
            OutDir = Path.GetFullPath(outDir ?? Path.Combine(root, "bench", "results")),
            Txctl = txctl,
            Server = server,
            ServerEnvironment = environment,
        };
    }
}
