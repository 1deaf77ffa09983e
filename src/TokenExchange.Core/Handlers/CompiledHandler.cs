using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Tokens;
using TokenExchange.Users;

namespace TokenExchange.Handlers;

/// <summary>
/// A handler definition made ready to run: its validator (with the IdP's key cache) and mapping rule.
/// It carries out the handler's part of an exchange: validate, map the user, mint.
/// </summary>
public sealed class CompiledHandler(HandlerDefinition definition, JwtSubjectTokenValidator validator)
{
    public HandlerDefinition Definition { get; } = definition;

    /// <summary>The IdP key source, kept across recompiles while the trust settings stay the same.</summary>
    public required IKeySource Keys { get; init; }

    public async Task<ExchangeOutcome> ExchangeAsync(AuthorizedExchange exchange, ISubjectSessions sessions, TokenMinter minter, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(exchange.SubjectToken, cancellationToken).ConfigureAwait(false);
        if (validation.Error is { } invalid) return ExchangeOutcome.Failure(invalid);

        var lookup = UserLookupFactory.Create(Definition.UserMapping, validation, exchange.Enablement.AllowUserCreation);
        var resolution = await sessions.ResolveUserAsync(Definition.Name, validation.Issuer!, validation.Subject!, lookup).ConfigureAwait(false);
        if (resolution.Error is { } refused) return ExchangeOutcome.Failure(refused);

        var user = resolution.User!;
        return ExchangeOutcome.Success(minter.Mint(exchange, user, validation.Expires), user.Id);
    }
}
