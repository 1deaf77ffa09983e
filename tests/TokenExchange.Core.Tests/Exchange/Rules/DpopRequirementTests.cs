using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class DpopRequirementTests
{
    [Fact]
    public void An_app_that_requires_DPoP_is_refused_a_request_without_a_proof() =>
        AssertError(DpopRequirement.Check(App() with { AccessToken = new TokenExchange.Definitions.AccessTokenPolicy { RequireDpop = true } }, hasProof: false), OAuthErrorCodes.InvalidDpopProof, "a DPoP proof is required for this client");

    [Fact]
    public void An_app_that_requires_DPoP_passes_with_a_proof() => Assert.Null(DpopRequirement.Check(App() with { AccessToken = new TokenExchange.Definitions.AccessTokenPolicy { RequireDpop = true } }, hasProof: true));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_app_that_does_not_require_DPoP_passes_either_way(bool hasProof) => Assert.Null(DpopRequirement.Check(App(), hasProof));

    [Fact]
    public void The_pipeline_refuses_a_request_without_a_proof_from_an_app_that_requires_DPoP()
    {
        var app = App() with { AccessToken = new TokenExchange.Definitions.AccessTokenPolicy { RequireDpop = true } };
        var definitions = new TokenExchange.Definitions.DefinitionSnapshot(1, [app], [Handler("partner-idp", Enable(app.ClientId, isDefault: true))]);

        var authorization = new ExchangePipeline(new ExchangeLimits()).Authorize(Request(), definitions);

        Assert.Equal(OAuthErrorCodes.InvalidDpopProof, authorization.Error?.Code);
        var withProof = new ExchangePipeline(new ExchangeLimits()).Authorize(Request() with { Dpop = new TokenExchange.Proofs.DpopPresentation("proof", "POST", []) }, definitions);
        Assert.Null(withProof.Error);
    }
}
