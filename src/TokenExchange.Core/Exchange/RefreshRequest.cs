namespace TokenExchange.Exchange;

/// <summary>A refresh token grant (RFC 6749 section 6), as parsed by either front door.</summary>
public sealed record RefreshRequest
{
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? RefreshToken { get; init; }

    /// <summary>Narrower scopes than the refresh token was issued with; empty keeps them all.</summary>
    public string[] Scopes { get; init; } = [];

    public string? ClientAddress { get; init; }

    /// <summary>The TLS client certificate of the connection, if the caller presented one (RFC 8705).</summary>
    public ClientCertificate? ClientCertificate { get; init; }

    /// <summary>The request's DPoP proof (RFC 9449), with the method and URLs it must name; null without one.</summary>
    public TokenExchange.Proofs.DpopPresentation? Dpop { get; init; }

    /// <summary>The request's client assertion (RFC 7523 section 2.2), with the audiences it may name; null without one.</summary>
    public ClientAssertion? ClientAssertion { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ClientId = {ClientId}, ClientSecret = {Redacted.Mark(ClientSecret)}, RefreshToken = {Redacted.Mark(RefreshToken)}, Scopes = [{string.Join(' ', Scopes)}], ClientAddress = {ClientAddress}, ClientCertificate = {ClientCertificate}, Dpop = {Dpop}, ClientAssertion = {ClientAssertion}");
        return true;
    }
}
