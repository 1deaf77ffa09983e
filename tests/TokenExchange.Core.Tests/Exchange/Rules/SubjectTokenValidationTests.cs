using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class SubjectTokenValidationTests
{
    private readonly FakeHandlerImplementation handler = new();

    [Fact]
    public async Task The_handler_validates_the_subject_token_of_the_exchange()
    {
        var exchange = Authorized();
        var alice = FakeHandlerImplementation.Subject("alice");
        handler.Answers[exchange.SubjectToken] = (alice, null);

        var (subject, error) = await SubjectTokenValidation.ValidateAsync(handler, exchange, CancellationToken.None);

        Assert.Null(error);
        Assert.Same(alice, subject);
        Assert.Same(exchange, Assert.Single(handler.Validated));
    }

    [Fact]
    public async Task The_handlers_refusal_is_the_clients_error_as_the_handler_words_it()
    {
        var exchange = Authorized();
        var refusal = Errors.InvalidRequest("subject_token is expired", "exp in the past");
        handler.Answers[exchange.SubjectToken] = (null, refusal);

        var (subject, error) = await SubjectTokenValidation.ValidateAsync(handler, exchange, CancellationToken.None);

        Assert.Null(subject);
        Assert.Same(refusal, error);
    }
}
