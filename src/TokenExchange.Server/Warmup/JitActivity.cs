namespace TokenExchange.Server.Warmup;

/// <summary>How many methods the JIT has compiled so far (a seam: tests script it).</summary>
public interface IJitActivity
{
    long CompiledMethods { get; }
}

/// <summary>The runtime's own count, every thread's compilations (the tiered JIT's background thread's too).</summary>
public sealed class RuntimeJitActivity : IJitActivity
{
    public long CompiledMethods => System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
}
