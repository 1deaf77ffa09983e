namespace TokenExchange.Exchange;

/// <summary>One token exchange request, as parsed by either front door (gRPC or HTTP).</summary>
public sealed record ExchangeRequest
{
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? SubjectToken { get; init; }
    public string? SubjectTokenType { get; init; }
    public string? ActorToken { get; init; }
    public string? ActorTokenType { get; init; }
    public string? RequestedTokenType { get; init; }
    public string[] Scopes { get; init; } = [];
    public string[] Audiences { get; init; } = [];
    public string[] Resources { get; init; } = [];
    public string? TokenHandler { get; init; }

    /// <summary>
    /// A transaction token request's <c>request_details</c> (draft-ietf-oauth-transaction-tokens-10): a JSON object, the
    /// transaction's details the token's <c>tctx</c> carries.
    /// </summary>
    public string? RequestDetails { get; init; }

    /// <summary>A transaction token request's <c>request_context</c>: a JSON object, the request's context for the token's <c>rctx</c>.</summary>
    public string? RequestContext { get; init; }

    /// <summary>The address of the caller, for audit.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The TLS client certificate of the connection, if the caller presented one (RFC 8705).</summary>
    public ClientCertificate? ClientCertificate { get; init; }

    /// <summary>The request's DPoP proof (RFC 9449), with the method and URLs it must name; null without one.</summary>
    public TokenExchange.Proofs.DpopPresentation? Dpop { get; init; }

    /// <summary>The request's client assertion (RFC 7523 section 2.2), with the audiences it may name; null without one.</summary>
    public ClientAssertion? ClientAssertion { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ClientId = {ClientId}, ClientSecret = {Redacted.Mark(ClientSecret)}, SubjectToken = {Redacted.Mark(SubjectToken)}, SubjectTokenType = {SubjectTokenType}, ActorToken = {Redacted.Mark(ActorToken)}, ");
        builder.Append($"ActorTokenType = {ActorTokenType}, RequestedTokenType = {RequestedTokenType}, Scopes = [{string.Join(' ', Scopes)}], Audiences = [{string.Join(' ', Audiences)}], Resources = [{string.Join(' ', Resources)}], TokenHandler = {TokenHandler}, ClientAddress = {ClientAddress}, ClientCertificate = {ClientCertificate}, Dpop = {Dpop}, ClientAssertion = {ClientAssertion}, ");
        builder.Append($"RequestDetails = {Redacted.Mark(RequestDetails)}, RequestContext = {Redacted.Mark(RequestContext)}");
        return true;
    }
}
