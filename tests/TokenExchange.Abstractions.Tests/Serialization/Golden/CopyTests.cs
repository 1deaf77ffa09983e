using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace TokenExchange.Abstractions.Tests.Serialization.Golden;

/// <summary>
/// Core's records are immutable: a local grain call passes them without copying, as <c>[Immutable]</c> did before
/// they left the Orleans layer (their registered copiers are shallow).
/// </summary>
public sealed class CopyTests
{
    private static readonly DeepCopier Copier = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<DeepCopier>();

    public static TheoryData<string> Names() => new(GoldenSamples.All.Where(s => s.As != typeof(object) && !s.As.IsArray && !s.As.IsValueType && s.Name != "SigningKeySet").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_copy_is_the_same_instance(string name)
    {
        var value = GoldenSamples.All.Single(s => s.Name == name).Value;

        Assert.Same(value, Copier.Copy(value));
    }
}
