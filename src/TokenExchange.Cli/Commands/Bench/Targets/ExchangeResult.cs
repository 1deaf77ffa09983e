namespace TokenExchange.Cli.Commands.Bench.Targets;

/// <summary>
/// How one exchange ended: tokens, an OAuth error the server answered with (<see cref="Code"/>), or a
/// transport failure (the server was not reached or did not answer; <see cref="Code"/> names it).
/// </summary>
public readonly record struct ExchangeResult(bool Succeeded, bool TransportFailure, string? Code, IssuedToken? Token)
{
    public static ExchangeResult Ok(IssuedToken? token) => new(true, false, null, token);
    public static ExchangeResult Refused(string oauthCode) => new(false, false, oauthCode, null);
    public static ExchangeResult Transport(string what) => new(false, true, what, null);
}

/// <summary>What <c>tokens mint</c> keeps of a successful exchange.</summary>
public sealed record IssuedToken(string AccessToken, long ExpiresIn, string? RefreshToken);

/// <summary>A front door the harness drives: gRPC unary, gRPC stream or HTTP.</summary>
public interface IExchangeTarget : IAsyncDisposable
{
    /// <summary>Never throws for a failed exchange: failures are results. <paramref name="keepTokens"/> parses the tokens.</summary>
    Task<ExchangeResult> ExchangeAsync(PreparedExchange request, bool keepTokens, CancellationToken cancellationToken);
}
