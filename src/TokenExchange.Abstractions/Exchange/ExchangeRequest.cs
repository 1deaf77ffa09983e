namespace TokenExchange.Exchange;

/// <summary>One token exchange request, as parsed by either front door (gRPC or HTTP).</summary>
[GenerateSerializer, Immutable, Alias("tx.ExchangeRequest")]
public sealed record ExchangeRequest
{
    [Id(0)] public string? ClientId { get; init; }
    [Id(1)] public string? ClientSecret { get; init; }
    [Id(2)] public string? SubjectToken { get; init; }
    [Id(3)] public string? SubjectTokenType { get; init; }
    [Id(4)] public string? ActorToken { get; init; }
    [Id(5)] public string? ActorTokenType { get; init; }
    [Id(6)] public string? RequestedTokenType { get; init; }
    [Id(7)] public string[] Scopes { get; init; } = [];
    [Id(8)] public string[] Audiences { get; init; } = [];
    [Id(9)] public string[] Resources { get; init; } = [];
    [Id(10)] public string? TokenHandler { get; init; }

    /// <summary>The address of the caller, for audit.</summary>
    [Id(11)] public string? ClientAddress { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ClientId = {ClientId}, ClientSecret = {Redacted.Mark(ClientSecret)}, SubjectToken = {Redacted.Mark(SubjectToken)}, SubjectTokenType = {SubjectTokenType}, ActorToken = {Redacted.Mark(ActorToken)}, ");
        builder.Append($"ActorTokenType = {ActorTokenType}, RequestedTokenType = {RequestedTokenType}, Scopes = [{string.Join(' ', Scopes)}], Audiences = [{string.Join(' ', Audiences)}], Resources = [{string.Join(' ', Resources)}], TokenHandler = {TokenHandler}, ClientAddress = {ClientAddress}");
        return true;
    }
}
