using TokenExchange.Core.Handlers;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

public sealed class StaticKeySourceTests
{
    [Fact]
    public async Task FromJwks_serves_the_signing_keys_of_the_document_for_any_kid()
    {
        var idp = new TestIdp();
        var source = StaticKeySource.FromJwks(HttpJwksKeySourceTests.WithOctKey(idp.Jwks()));

        var keys = await source.GetKeysAsync("whatever", CancellationToken.None);

        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], keys.Select(k => k.KeyId));
    }
}
