namespace TokenExchange.Exchange;

/// <summary>A refresh token grant (RFC 6749 section 6), as parsed by either front door.</summary>
[GenerateSerializer, Immutable, Alias("tx.RefreshRequest")]
public sealed record RefreshRequest
{
    [Id(0)] public string? ClientId { get; init; }
    [Id(1)] public string? ClientSecret { get; init; }
    [Id(2)] public string? RefreshToken { get; init; }

    /// <summary>Narrower scopes than the refresh token was issued with; empty keeps them all.</summary>
    [Id(3)] public string[] Scopes { get; init; } = [];

    [Id(4)] public string? ClientAddress { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ClientId = {ClientId}, ClientSecret = {Redacted.Mark(ClientSecret)}, RefreshToken = {Redacted.Mark(RefreshToken)}, Scopes = [{string.Join(' ', Scopes)}], ClientAddress = {ClientAddress}");
        return true;
    }
}
