namespace TokenExchange.Definitions;

/// <summary>
/// Whether an app may be issued transaction tokens (draft-ietf-oauth-transaction-tokens-10) for a subject token its
/// handler validates, and whether it may replace one it was handed inside the trust domain; each is a permission of
/// its own (the draft's section "TTS Issuance Policies": a TTS is selective in which workloads get Txn-Tokens).
/// </summary>
public sealed record TransactionTokenPolicy
{
    /// <summary>The lifetime when none is configured: the draft's "on the order of minutes or less".</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);

    /// <summary>The app (an edge workload) may exchange a subject token for a transaction token.</summary>
    public bool Issue { get; init; }

    /// <summary>The app (a workload inside the trust domain) may replace a transaction token.</summary>
    public bool Replace { get; init; }

    /// <summary>How long a transaction token issued to this app lives; a replacement never outlives the token it replaces.</summary>
    public TimeSpan Lifetime { get; init; } = DefaultLifetime;
}
