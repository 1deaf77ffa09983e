using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Sessions;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>
/// A refresh grant's DPoP binding (RFC 9449 section 5) survives Orleans serialization, in the session's state and in
/// grain messages; an unbound grant writes the bytes it always did (the golden fixtures), and grants stored before the
/// binding existed read as unbound.
/// </summary>
public sealed class DpopRefreshBindingSerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly RefreshGrant Grant = new()
    {
        ClientId = "mobile",
        HandlerName = "partner-idp",
        Scopes = ["api", "offline_access"],
        Audiences = ["https://orders.example"],
        Act = "{\"sub\":\"svc\"}",
        NotAfter = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero),
    };

    private T RoundTrip<T>(T value) => serializer.Deserialize<T>(serializer.SerializeToArray(value))!;

    [Fact]
    public void A_bound_grant_keeps_its_key_and_every_other_field()
    {
        var bound = Grant with { DpopThumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" };

        var copy = RoundTrip(bound);

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", copy.DpopThumbprint);
        Assert.Equal(JsonSerializer.Serialize(bound), JsonSerializer.Serialize(copy));
    }

    [Fact]
    public void A_bound_grant_inside_a_message_keeps_its_key() =>
        Assert.Equal("key", RoundTrip(new RefreshResult("token", null, Grant with { DpopThumbprint = "key" }, null)).Grant!.DpopThumbprint);

    [Fact]
    public void An_unbound_grant_writes_the_bytes_of_a_grant_before_bindings_and_reads_back_unbound()
    {
        var unbound = serializer.SerializeToArray(Grant);
        var bound = serializer.SerializeToArray(Grant with { DpopThumbprint = "key" });

        Assert.Null(serializer.Deserialize<RefreshGrant>(unbound)!.DpopThumbprint);
        // The binding is one field more, at the end; nothing before it moves.
        Assert.Equal(unbound[..^1], bound[..(unbound.Length - 1)]);
    }

    [Fact]
    public void The_stored_golden_grants_read_as_unbound()
    {
        var fixtures = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden", "golden.json")))!;

        Assert.Null(serializer.Deserialize<RefreshResult>(Convert.FromBase64String(fixtures["RefreshResult"]))!.Grant!.DpopThumbprint);
        Assert.Null(serializer.Deserialize<SubjectUserRequest>(Convert.FromBase64String(fixtures["SubjectUserRequest"]))!.Refresh!.DpopThumbprint);
    }
}
