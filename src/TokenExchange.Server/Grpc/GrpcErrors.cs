using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using TokenExchange.Exchange;

namespace TokenExchange.Server.Grpc;

/// <summary>
/// An OAuth error as a gRPC status: the matching status code, the client-safe description as message,
/// and a google.rpc.ErrorInfo detail whose reason is the OAuth error code, for clients to act on.
/// </summary>
public static class GrpcErrors
{
    public const string Domain = "tokenexchange";

    public static RpcException ToRpcException(OAuthError error)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)(error.RetryAfter is null ? StatusFor(error.Code) : StatusCode.ResourceExhausted),
            Message = error.Description,
            Details = { Any.Pack(new ErrorInfo { Reason = error.Code, Domain = Domain }) },
        };
        // A rate limit: ResourceExhausted, and when to retry as google.rpc.RetryInfo (whole seconds, as HTTP's Retry-After).
        if (error.RetryAfter is { } retryAfter)
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(Http.OAuthResponses.RetryAfterSeconds(retryAfter))) }));
        return status.ToRpcException();
    }

    public static StatusCode StatusFor(string oauthCode) => oauthCode switch
    {
        OAuthErrorCodes.InvalidClient => StatusCode.Unauthenticated,
        OAuthErrorCodes.UnauthorizedClient or OAuthErrorCodes.InvalidGrant => StatusCode.PermissionDenied,
        OAuthErrorCodes.TemporarilyUnavailable => StatusCode.Unavailable,
        OAuthErrorCodes.ServerError => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };
}
