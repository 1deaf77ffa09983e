using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace TokenExchange.Abstractions.Tests.Serialization.Golden;

/// <summary>
/// The records moved into Core (no Orleans attributes there) are serialized by surrogates in the Orleans layer.
/// Grain state in PostgreSQL and SQLite, and silos of the previous version during a rolling upgrade, hold the bytes
/// the old generated codecs wrote (<c>golden.json</c>, written on main before the move): each fixture must read
/// back to the same values, and the same values must write the very same bytes, type aliases included.
/// </summary>
public sealed class GoldenBytesTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly IReadOnlyDictionary<string, string> Fixtures =
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden", "golden.json")))!;

    public static TheoryData<string> Names() => new(GoldenSamples.All.Select(s => s.Name));

    [Fact]
    public void Every_sample_has_a_fixture_and_every_fixture_a_sample() =>
        Assert.Equal(Fixtures.Keys.Order(StringComparer.Ordinal), GoldenSamples.All.Select(s => s.Name).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Names))]
    public void The_stored_bytes_read_back_to_every_field(string name)
    {
        var (_, expected, type) = GoldenSamples.All.Single(s => s.Name == name);

        var actual = Deserialize(type, Convert.FromBase64String(Fixtures[name]));

        Assert.IsType(expected.GetType(), actual);
        Assert.Equal(JsonSerializer.Serialize(expected, expected.GetType()), JsonSerializer.Serialize(actual, actual!.GetType()));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_same_values_write_the_same_bytes(string name)
    {
        var (_, value, type) = GoldenSamples.All.Single(s => s.Name == name);

        Assert.Equal(Fixtures[name], Convert.ToBase64String(Serialize(type, value)));
    }

    private static byte[] Serialize(Type type, object value) =>
        (byte[])Method(nameof(Serializer.SerializeToArray), m => m.GetParameters().Length == 1).MakeGenericMethod(type).Invoke(Serializer, [value])!;

    private static object? Deserialize(Type type, byte[] bytes) =>
        Method(nameof(Serializer.Deserialize), m => m.GetParameters() is [{ ParameterType: var p }] && p == typeof(byte[])).MakeGenericMethod(type).Invoke(Serializer, [bytes]);

    private static System.Reflection.MethodInfo Method(string name, Func<System.Reflection.MethodInfo, bool> shape) =>
        typeof(Serializer).GetMethods().Single(m => m.Name == name && m.IsGenericMethodDefinition && shape(m));
}
