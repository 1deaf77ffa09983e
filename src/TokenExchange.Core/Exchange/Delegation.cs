using System.Text.Json;
using System.Text.Json.Nodes;
using TokenExchange.Sessions;

namespace TokenExchange.Exchange;

/// <summary>
/// RFC 8693 section 4: the <c>act</c> claim of an issued token. The actor becomes the current actor; an
/// <c>act</c> the subject token already carries (earlier hops) is nested inside it, never dropped; a
/// subject token's <c>may_act</c> names who may act for it, and any other actor is refused.
/// </summary>
public static class Delegation
{
    /// <summary>Deepest chain of actors accepted (the current one and its predecessors).</summary>
    public const int MaxDepth = 5;

    /// <summary>The <c>act</c> claim to issue as JSON text, or null when no one acts; or the rule that failed.</summary>
    public static (string? Act, OAuthError? Error) Act(ValidatedSubject subject, ValidatedSubject? actor)
    {
        var previous = Parse(subject.Claims.GetValueOrDefault("act"));
        if (subject.Claims.ContainsKey("act") && previous is null)
            return (null, Errors.InvalidRequest("the subject token's act claim is not a JSON object"));
        if (actor is null) return (previous?.ToJsonString(), null);

        if (subject.Claims.TryGetValue("may_act", out var mayActText))
        {
            if (Parse(mayActText) is not { } mayAct) return (null, Errors.InvalidRequest("the subject token's may_act claim is not a JSON object"));
            if (!Matches(mayAct, actor))
                return (null, Errors.InvalidRequest("the actor is not allowed to act for this subject", $"may_act does not name actor {actor.Subject}"));
        }

        var act = new JsonObject { ["sub"] = actor.Subject, ["iss"] = actor.Issuer };
        if (previous is not null) act["act"] = previous;
        return Depth(act) > MaxDepth
            ? (null, Errors.InvalidRequest($"delegation chains longer than {MaxDepth} actors are not accepted"))
            : (act.ToJsonString(), null);
    }

    /// <summary>may_act names the actor by sub, and by iss where it gives one.</summary>
    private static bool Matches(JsonObject mayAct, ValidatedSubject actor) =>
        mayAct["sub"]?.GetValueKind() == JsonValueKind.String && (string?)mayAct["sub"] == actor.Subject
        && (mayAct["iss"] is null || (string?)mayAct["iss"] == actor.Issuer);

    private static int Depth(JsonObject act) => act["act"] is JsonObject inner ? 1 + Depth(inner) : 1;

    private static JsonObject? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        // Stryker disable once Block : an emptied catch block returns default, which is this null.
        catch (JsonException)
        {
            return null;
        }
    }
}
