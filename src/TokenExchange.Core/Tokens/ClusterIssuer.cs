namespace TokenExchange.Tokens;

/// <summary>
/// The cluster's issuer URL (the <c>iss</c> of every token it issues). Usually known from configuration
/// at start-up; when the HTTP front door binds an ephemeral port it is set once, as soon as the port is known.
/// </summary>
public sealed class ClusterIssuer
{
    private string? value;

    public ClusterIssuer(string? value = null) => this.value = value?.TrimEnd('/');

    public string Value => value ?? throw new InvalidOperationException("the cluster issuer is not known yet");

    public bool IsKnown => value is not null;

    public void Set(string issuer)
    {
        var trimmed = issuer.TrimEnd('/');
        if (Interlocked.CompareExchange(ref value, trimmed, null) is { } existing && existing != trimmed)
            throw new InvalidOperationException("the cluster issuer is set already");
    }
}
