using TokenExchange.Abstractions;
using TokenExchange.Sessions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// A reference made by <see cref="GrainReferences"/> names the grain Orleans' own <c>GetGrain</c> names: the same grain
/// id (type and key) and interface, whether the key comes as text or as the UTF-8 bytes the exchange builds, so an
/// exchange reaches the subject's one session activation, the one every other path reaches.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData("partner-idp", "https://idp.example", "alice")]
    [InlineData("h", "urn:issuer", "ünïcödé 名前 😀|/?")]
    public void A_reference_from_the_keys_text_or_its_bytes_is_orleans_own_reference(string handler, string issuer, string subject)
    {
        var key = SubjectSessionKey.For(handler, issuer, subject);
        var orleans = (GrainReference)(object)cluster.Grains.GetGrain<ISubjectSessionGrain>(key);

        var fromText = (GrainReference)(object)cluster.Grains.Reference<ISubjectSessionGrain>(key);
        var fromBytes = (GrainReference)(object)cluster.Grains.Reference<ISubjectSessionGrain>(SubjectSessionKey.Utf8For(handler, issuer, subject).Bytes);

        Assert.Equal(orleans.GrainId, fromText.GrainId);
        Assert.Equal(orleans.GrainId, fromBytes.GrainId);
        Assert.Equal(orleans.GrainId.GetHashCode(), fromBytes.GrainId.GetHashCode());
        Assert.Equal(orleans.InterfaceType, fromBytes.InterfaceType);
        Assert.Equal(key, fromBytes.GetPrimaryKeyString());
    }
}
