using Grpc.Core;
using TokenExchange.Grains.Silo;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Tls;
using CoreRequest = TokenExchange.Exchange.ExchangeRequest;

namespace TokenExchange.Server.Grpc;

/// <summary>The gRPC front door: a thin adapter from the proto contract to the exchange.</summary>
public sealed class TokenExchangeGrpcService(ExchangeFrontDoor frontDoor, TokenInspection inspection, ClientCertificateReader certificates) : Protos.V1.TokenExchange.TokenExchangeBase
{
    public override async Task<ExchangeResponse> Exchange(ExchangeRequest request, ServerCallContext context)
    {
        var outcome = await frontDoor.ExchangeAsync(new CoreRequest
        {
            ClientId = request.ClientId,
            ClientSecret = request.ClientSecret,
            SubjectToken = request.SubjectToken,
            SubjectTokenType = request.SubjectTokenType,
            ActorToken = request.ActorToken,
            ActorTokenType = request.ActorTokenType,
            RequestedTokenType = request.RequestedTokenType,
            Scopes = [.. request.Scope],
            Audiences = [.. request.Audience],
            Resources = [.. request.Resource],
            TokenHandler = request.TokenHandler,
            ClientAddress = context.GetHttpContext().Connection.RemoteIpAddress?.ToString(),
            ClientCertificate = certificates.Read(context.GetHttpContext()),
        }, context.CancellationToken);

        return Response(outcome);
    }

    public override async Task<ExchangeResponse> Refresh(RefreshRequest request, ServerCallContext context) =>
        Response(await frontDoor.RefreshAsync(new Exchange.RefreshRequest
        {
            ClientId = request.ClientId,
            ClientSecret = request.ClientSecret,
            RefreshToken = request.RefreshToken,
            Scopes = [.. request.Scope],
            ClientAddress = context.GetHttpContext().Connection.RemoteIpAddress?.ToString(),
            ClientCertificate = certificates.Read(context.GetHttpContext()),
        }, context.CancellationToken));

    public override async Task<IntrospectResponse> Introspect(TokenRequest request, ServerCallContext context)
    {
        var (claims, error) = await inspection.IntrospectAsync(request.ClientId, request.ClientSecret, request.Token, context.GetHttpContext().Connection.RemoteIpAddress?.ToString(), certificates.Read(context.GetHttpContext()));
        if (error is not null) throw GrpcErrors.ToRpcException(error);
        return new IntrospectResponse { Active = (bool)claims!["active"], Json = System.Text.Json.JsonSerializer.Serialize(claims) };
    }

    public override async Task<RevokeResponse> Revoke(TokenRequest request, ServerCallContext context) =>
        await inspection.RevokeAsync(request.ClientId, request.ClientSecret, request.Token, context.GetHttpContext().Connection.RemoteIpAddress?.ToString(), certificates.Read(context.GetHttpContext())) is { } error
            ? throw GrpcErrors.ToRpcException(error)
            : new RevokeResponse();

    private static ExchangeResponse Response(Exchange.ExchangeOutcome outcome)
    {
        if (outcome.Error is { } error) throw GrpcErrors.ToRpcException(error);
        var tokens = outcome.Tokens!;
        return new ExchangeResponse
        {
            AccessToken = tokens.AccessToken,
            IssuedTokenType = tokens.IssuedTokenType,
            TokenType = tokens.TokenType,
            ExpiresIn = tokens.ExpiresIn,
            Scope = tokens.Scope ?? "",
            RefreshToken = tokens.RefreshToken ?? "",
            IdToken = tokens.IdToken ?? "",
        };
    }
}
