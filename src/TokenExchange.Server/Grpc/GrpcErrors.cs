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

    public static RpcException ToRpcException(OAuthError error) => new Google.Rpc.Status
    {
        Code = (int)StatusFor(error.Code),
        Message = error.Description,
        Details = { Any.Pack(new ErrorInfo { Reason = error.Code, Domain = Domain }) },
    }.ToRpcException();

    public static StatusCode StatusFor(string oauthCode) => oauthCode switch
    {
        OAuthErrorCodes.InvalidClient => StatusCode.Unauthenticated,
        OAuthErrorCodes.UnauthorizedClient or OAuthErrorCodes.InvalidGrant => StatusCode.PermissionDenied,
        OAuthErrorCodes.TemporarilyUnavailable => StatusCode.Unavailable,
        OAuthErrorCodes.ServerError => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };
}
