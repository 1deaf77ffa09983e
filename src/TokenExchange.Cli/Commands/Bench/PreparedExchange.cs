using System.Text;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// One request of the run, built before it starts: the gRPC message (shared by every send, never changed)
/// and the HTTP form body as bytes, so that sending allocates next to nothing.
/// </summary>
public sealed class PreparedExchange
{
    public required string Subject { get; init; }
    public required SubjectTokenKind Kind { get; init; }
    public required ExchangeRequest Grpc { get; init; }
    public required byte[] Form { get; init; }

    public static PreparedExchange Create(ExchangeTemplate template, string subject, SubjectTokenKind kind, string subjectToken, string subjectTokenType, string? handler, string? actorToken)
    {
        var grpc = new ExchangeRequest
        {
            ClientId = template.ClientId,
            ClientSecret = template.ClientSecret ?? "",
            SubjectToken = subjectToken,
            SubjectTokenType = subjectTokenType,
            TokenHandler = handler ?? "",
            ActorToken = actorToken ?? "",
            ActorTokenType = actorToken is null ? "" : subjectTokenType,
            Scope = { template.Scopes },
            Audience = { template.Audiences },
            RequestedTokenType = template.RequestedTokenType ?? "",
        };
        var form = new List<(string Name, string Value)>
        {
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("client_id", template.ClientId),
            ("subject_token", subjectToken),
            ("subject_token_type", subjectTokenType),
        };
        if (template.ClientSecret is { } secret) form.Add(("client_secret", secret));
        if (template.RequestedTokenType is { } requested) form.Add(("requested_token_type", requested));
        if (handler is not null) form.Add(("token_handler", handler));
        if (actorToken is not null) form.AddRange([("actor_token", actorToken), ("actor_token_type", subjectTokenType)]);
        if (template.Scopes.Length > 0) form.Add(("scope", string.Join(' ', template.Scopes)));
        form.AddRange(template.Audiences.Select(a => ("audience", a)));
        var body = string.Join('&', form.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
        return new PreparedExchange { Subject = subject, Kind = kind, Grpc = grpc, Form = Encoding.ASCII.GetBytes(body) };
    }
}

/// <summary>What every request of a run shares: the app's credentials, the handler, scopes and audiences, and the token type asked for.</summary>
public sealed record ExchangeTemplate(string ClientId, string? ClientSecret, string? Handler, string[] Scopes, string[] Audiences)
{
    /// <summary>The requested_token_type (a URN); null: none sent (an access token).</summary>
    public string? RequestedTokenType { get; init; }
}
