using System.Net;
using Microsoft.Extensions.Logging;
using TokenExchange.Exchange;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// What the IdP's HTTP status says before its body is read. A userinfo endpoint's 401/403 refuses the token
/// (OIDC Core section 5.3.3); an introspection endpoint's refuses our credentials (RFC 7662 section 2.3), which
/// no retry mends. 5xx, 429 and 408 are the endpoint being unavailable; any other non-2xx is a broken answer.
/// </summary>
internal static class IntrospectionStatus
{
    /// <summary>The outcome the status decides; null for a success, whose body decides.</summary>
    public static IntrospectionCache.Entry? Outcome(HttpResponseMessage response, bool userinfo, string key, IntrospectionOutcomes outcomes)
    {
        var status = (int)response.StatusCode;
        if (userinfo && response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return outcomes.Inactive(key, "the userinfo endpoint refused the token");
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return outcomes.Failure("refused", Errors.ServerError($"the introspection endpoint of handler {outcomes.Handler} refused our client credentials ({status})"), LogLevel.Error);
        if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
            return outcomes.Unavailable($"the endpoint answered {status}");
        if (!response.IsSuccessStatusCode)
            return outcomes.InvalidResponse($"{status}");
        return null;
    }
}
