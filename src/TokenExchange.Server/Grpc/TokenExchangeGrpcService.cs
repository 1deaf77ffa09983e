using Grpc.Core;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Tls;
using TokenExchange.Silo;
using TokenExchange.Tokens;
using ClientCertificate = TokenExchange.Exchange.ClientCertificate;
using CoreRequest = TokenExchange.Exchange.ExchangeRequest;

namespace TokenExchange.Server.Grpc;

/// <summary>The gRPC front door: a thin adapter from the proto contract to the exchange.</summary>
public sealed class TokenExchangeGrpcService(ExchangeFrontDoor frontDoor, TokenInspection inspection, ClientCertificateReader certificates, Hosting.GracefulLeave leave, ClusterIssuer issuer, ILogger<TokenExchangeGrpcService> logger) : Protos.V1.TokenExchange.TokenExchangeBase
{
    public override async Task<ExchangeResponse> Exchange(ExchangeRequest request, ServerCallContext context)
    {
        // A unary call's proof is its metadata (docs/spec.md, "DPoP"); the message field is a stream message's.
        if (request.Dpop.Length > 0) throw GrpcErrors.ToRpcException(TokenExchange.Exchange.Errors.InvalidRequest("on a unary call the DPoP proof goes in the dpop metadata"));
        var (dpop, badProof) = GrpcDpop.FromMetadata(context, issuer);
        if (badProof is not null) throw GrpcErrors.ToRpcException(badProof);
        return Response(await frontDoor.ExchangeAsync(ToCore(request, ClientAddress(context), certificates.Read(context.GetHttpContext()), metadataProof: dpop,
            // The audiences an assertion may name, built only for a request that carries one (a secret's exchange allocates nothing more).
            assertionAudiences: request.ClientAssertion.Length > 0 || request.ClientAssertionType.Length > 0 ? GrpcDpop.AssertionAudiences(context, issuer) : null), context.CancellationToken), context);
    }

    /// <summary>
    /// The same exchange, pipelined over one stream (see <see cref="ExchangeStreamPump"/>): each message
    /// still goes through <see cref="ExchangeFrontDoor.ExchangeAsync"/>, so limits, events and audit apply.
    /// </summary>
    public override Task ExchangeStream(IAsyncStreamReader<ExchangeStreamRequest> requestStream, IServerStreamWriter<ExchangeStreamResponse> responseStream, ServerCallContext context)
    {
        // A proof is good for one request: a stream's messages carry theirs, not the stream's metadata.
        if (GrpcDpop.InMetadata(context)) throw GrpcErrors.ToRpcException(TokenExchange.Exchange.Errors.InvalidRequest("on ExchangeStream each message carries its own DPoP proof in its dpop field"));
        var clientAddress = ClientAddress(context);
        var certificate = certificates.Read(context.GetHttpContext());
        var dpopUrls = GrpcDpop.Urls(context, issuer);
        var assertionAudiences = GrpcDpop.AssertionAudiences(context, issuer);
        return new ExchangeStreamPump(
            (request, cancellationToken) => frontDoor.ExchangeAsync(ToCore(request, clientAddress, certificate, dpopUrls, assertionAudiences: assertionAudiences), cancellationToken),
            ToProto,
            logger).RunAsync(requestStream, responseStream, context.CancellationToken, leave.Drained);
    }

    public override async Task<ExchangeResponse> Refresh(RefreshRequest request, ServerCallContext context)
    {
        var (dpop, badProof) = GrpcDpop.FromMetadata(context, issuer);
        if (badProof is not null) throw GrpcErrors.ToRpcException(badProof);
        return Response(await frontDoor.RefreshAsync(ToCore(request, ClientAddress(context), certificates.Read(context.GetHttpContext())) with { Dpop = dpop, ClientAssertion = Assertion(request.ClientAssertionType, request.ClientAssertion, GrpcDpop.AssertionAudiences(context, issuer)) }, context.CancellationToken), context);
    }

    public override async Task<IntrospectResponse> Introspect(TokenRequest request, ServerCallContext context)
    {
        var (claims, error) = await inspection.IntrospectAsync(ClientId(request.ClientId, request.ClientAssertion), request.ClientSecret, request.Token, ClientAddress(context), certificates.Read(context.GetHttpContext()), context.CancellationToken,
            Assertion(request.ClientAssertionType, request.ClientAssertion, GrpcDpop.AssertionAudiences(context, issuer)));
        if (error is not null) throw GrpcErrors.ToRpcException(error);
        return new IntrospectResponse { Active = (bool)claims!["active"], Json = System.Text.Json.JsonSerializer.Serialize(claims) };
    }

    public override async Task<RevokeResponse> Revoke(TokenRequest request, ServerCallContext context) =>
        await inspection.RevokeAsync(ClientId(request.ClientId, request.ClientAssertion), request.ClientSecret, request.Token, ClientAddress(context), certificates.Read(context.GetHttpContext()), context.CancellationToken,
            Assertion(request.ClientAssertionType, request.ClientAssertion, GrpcDpop.AssertionAudiences(context, issuer))) is { } error
            ? throw GrpcErrors.ToRpcException(error)
            : new RevokeResponse();

    private static string? ClientAddress(ServerCallContext context) => context.GetHttpContext().Connection.RemoteIpAddress?.ToString();

    /// <summary>The proto message as the exchange's request (internal: the fuzz harness feeds it parsed fuzzer bytes).</summary>
    /// <param name="dpopUrls">On a stream, the URLs the message's DPoP proof must name; its proof is read only then.</param>
    /// <param name="metadataProof">On a unary call, the proof its metadata carried (set here rather than on a copy of the request: one per exchange).</param>
    /// <param name="assertionAudiences">The audiences a client assertion may name at this method (docs/spec.md section 10).</param>
    internal static CoreRequest ToCore(ExchangeRequest request, string? clientAddress, ClientCertificate? certificate, IReadOnlyList<string>? dpopUrls = null, TokenExchange.Proofs.DpopPresentation? metadataProof = null, IReadOnlyList<string>? assertionAudiences = null) => new()
    {
        ClientId = ClientId(request.ClientId, request.ClientAssertion),
        ClientAssertion = Assertion(request.ClientAssertionType, request.ClientAssertion, assertionAudiences ?? []),
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
        RequestDetails = request.RequestDetails is { Length: > 0 } details ? details : null,
        RequestContext = request.RequestContext is { Length: > 0 } context ? context : null,
        ClientAddress = clientAddress,
        ClientCertificate = certificate,
        Dpop = dpopUrls is not null && request.Dpop.Length > 0 ? new TokenExchange.Proofs.DpopPresentation(request.Dpop, "POST", dpopUrls) : metadataProof,
    };

    internal static Exchange.RefreshRequest ToCore(RefreshRequest request, string? clientAddress, ClientCertificate? certificate) => new()
    {
        ClientId = ClientId(request.ClientId, request.ClientAssertion),
        ClientSecret = request.ClientSecret,
        RefreshToken = request.RefreshToken,
        Scopes = [.. request.Scope],
        ClientAddress = clientAddress,
        ClientCertificate = certificate,
    };

    /// <summary>A client assertion when the message carries either of its fields (half of one is refused as invalid_client); proto3 strings are never null.</summary>
    private static TokenExchange.Exchange.ClientAssertion? Assertion(string type, string token, IReadOnlyList<string> audiences) =>
        type.Length > 0 || token.Length > 0 ? new TokenExchange.Exchange.ClientAssertion(type, token, audiences) : null;

    /// <summary>The message's client id, or (RFC 7523 section 3) its assertion's subject when it names none.</summary>
    private static string ClientId(string clientId, string assertion) =>
        clientId.Length > 0 || assertion.Length == 0 ? clientId : TokenExchange.Exchange.ClientAssertion.ImpliedClientId(assertion) ?? "";

    private static ExchangeResponse Response(Exchange.ExchangeOutcome outcome, ServerCallContext context)
    {
        GrpcDpop.WriteNonce(context, outcome.DpopNonce);
        return outcome.Error is { } error ? throw GrpcErrors.ToRpcException(error) : ToProto(outcome.Tokens!);
    }

    /// <summary>The issued tokens as the proto answer (internal: the warm-up runs it).</summary>
    internal static ExchangeResponse ToProto(Exchange.IssuedTokens tokens) =>
        new()
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
