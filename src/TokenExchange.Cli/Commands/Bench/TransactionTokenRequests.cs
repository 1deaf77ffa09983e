using TokenExchange.Cli.Commands.Bench.Targets;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// <c>txctl bench --replace-transaction-tokens</c>: before the run, the server issues one transaction token per subject
/// (the run's own issuance requests, sent once each); the run then presents them for replacement
/// (draft-ietf-oauth-transaction-tokens-10, "Txn-Token as a subject_token"), subject by subject as the issuances were.
/// </summary>
public static class TransactionTokenRequests
{
    public const string TokenType = "urn:ietf:params:oauth:token-type:txn_token";

    /// <summary>How many issuances are outstanding while the tokens to replace are fetched.</summary>
    private const int Concurrency = 32;

    /// <param name="issuances">The run's requests, each asking for a transaction token; request i is subject i modulo <paramref name="subjects"/>.</param>
    public static async Task<PreparedExchange[]> ReplacementsAsync(IExchangeTarget target, PreparedExchange[] issuances, ExchangeTemplate template, int subjects, CancellationToken cancellationToken)
    {
        var tokens = new string[subjects];
        await Parallel.ForAsync(0, subjects, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (s, cancelled) =>
        {
            var issued = await target.ExchangeAsync(issuances[s], keepTokens: true, cancelled);
            tokens[s] = issued.Token?.AccessToken ?? throw new UsageException($"--replace-transaction-tokens: the server issued no transaction token to replace ({issued.Code})");
        });
        // A replacement names no handler (the cluster verifies its own token) and asks for a transaction token again.
        var replacing = template with { Handler = null, RequestedTokenType = TokenType };
        var requests = new PreparedExchange[issuances.Length];
        for (var i = 0; i < requests.Length; i++)
            requests[i] = PreparedExchange.Create(replacing, issuances[i].Subject, SubjectTokenKind.Valid, tokens[i % subjects], TokenType, handler: null, actorToken: null);
        return requests;
    }
}
