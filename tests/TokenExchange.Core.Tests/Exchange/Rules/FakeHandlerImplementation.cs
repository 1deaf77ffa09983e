using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Exchange.Rules;

/// <summary>A handler implementation that answers from a table keyed by token, and records what it was asked.</summary>
internal sealed class FakeHandlerImplementation : IHandlerImplementation
{
    public Dictionary<string, (ValidatedSubject? Subject, OAuthError? Error)> Answers { get; } = new(StringComparer.Ordinal);

    public List<AuthorizedExchange> Validated { get; } = [];

    public static ValidatedSubject Subject(string subject, DateTimeOffset? expiresAt = null, Dictionary<string, string>? claims = null) =>
        new() { Subject = subject, Issuer = "https://idp.example", ExpiresAt = expiresAt, Claims = claims ?? [] };

    public ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        Validated.Add(exchange);
        return ValueTask.FromResult(Answers[exchange.SubjectToken]);
    }

    public Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the rules under test never map users");
}
