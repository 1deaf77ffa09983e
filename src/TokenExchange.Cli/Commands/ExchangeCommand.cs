using System.CommandLine;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands;

/// <summary><c>txctl exchange</c>: one token exchange over gRPC (default) or HTTP; prints the JSON response.</summary>
public static class ExchangeCommand
{
    private const string TokenTypePrefix = "urn:ietf:params:oauth:token-type:";

    // Output is for a terminal or a script, not for HTML: no need to escape quotes and the like.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var server = new Option<string?>("--server") { Description = "server address (default http://127.0.0.1:8081 for gRPC, http://127.0.0.1:8080 with --http)" };
        var clientId = new Option<string>("--client-id") { Description = "the app's client id", Required = true };
        var clientSecret = new Option<string?>("--client-secret") { Description = "the app's client secret" };
        var subjectToken = new Option<string>("--subject-token") { Description = "the token from the identity provider", Required = true };
        var subjectTokenType = new Option<string>("--subject-token-type") { Description = "access_token, jwt, id_token, txn_token to replace a transaction token (or a full URN)", DefaultValueFactory = _ => "access_token" };
        var handler = new Option<string?>("--handler") { Description = "token exchange handler (default: the app's default handler)" };
        var scopes = new Option<string[]>("--scope") { Description = "scope (repeatable)" };
        var audiences = new Option<string[]>("--audience") { Description = "audience (repeatable)" };
        var resources = new Option<string[]>("--resource") { Description = "resource (repeatable)" };
        var requestedTokenType = new Option<string?>("--requested-token-type") { Description = "access_token (default), jwt, id_token or txn_token" };
        var requestDetails = new Option<string?>("--request-details") { Description = "a transaction token's request_details: a JSON object (its tctx)" };
        var requestContext = new Option<string?>("--request-context") { Description = "a transaction token's request_context: a JSON object (part of its rctx)" };
        var useHttp = new Option<bool>("--http") { Description = "use the HTTP token endpoint instead of gRPC" };
        var dpopKey = new Option<string?>("--dpop-key") { Description = "PEM file of a private key (EC P-256 or RSA): send a DPoP proof signed by it, binding the access token to the key (RFC 9449)" };
        var command = new Command("exchange", "exchange a subject token for tokens of the cluster")
        {
            server, clientId, clientSecret, subjectToken, subjectTokenType, handler, scopes, audiences, resources, requestedTokenType, requestDetails, requestContext, useHttp, dpopKey,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new ExchangeRequest
            {
                ClientId = parse.GetValue(clientId)!,
                ClientSecret = parse.GetValue(clientSecret) ?? "",
                SubjectToken = parse.GetValue(subjectToken)!,
                SubjectTokenType = Urn(parse.GetValue(subjectTokenType)!),
                RequestedTokenType = parse.GetValue(requestedTokenType) is { } requested ? Urn(requested) : "",
                TokenHandler = parse.GetValue(handler) ?? "",
                Scope = { parse.GetValue(scopes) ?? [] },
                Audience = { parse.GetValue(audiences) ?? [] },
                Resource = { parse.GetValue(resources) ?? [] },
                RequestDetails = parse.GetValue(requestDetails) ?? "",
                RequestContext = parse.GetValue(requestContext) ?? "",
            };
            var http = parse.GetValue(useHttp);
            var address = parse.GetValue(server) ?? (http ? "http://127.0.0.1:8080" : "http://127.0.0.1:8081");
            // The proof names the URL it is sent to (docs/spec.md, "DPoP"): the token endpoint, or the gRPC method's URL.
            var endpoint = address.TrimEnd('/') + (http ? "/oauth2/token" : "/tokenexchange.v1.TokenExchange/Exchange");
            // A proof per attempt (its jti is good once): the first without a nonce, a retry with the one the server asked for.
            Func<string?, string>? proof = null;
            try
            {
                if (parse.GetValue(dpopKey) is { } keyFile)
                {
                    DpopProofSigner.Proof(keyFile, endpoint); // a bad key file fails here, as a usage error
                    proof = nonce => DpopProofSigner.Proof(keyFile, endpoint, nonce: nonce);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                await error.WriteLineAsync($"error: --dpop-key: {e.Message}");
                return ExitCodes.Usage;
            }
            var result = http
                ? await OverHttpAsync(address, request, proof, cancellationToken)
                : await OverGrpcAsync(address, request, proof, cancellationToken);
            if (result.Json is { } json)
            {
                await output.WriteLineAsync(json);
                return ExitCodes.Success;
            }
            await error.WriteLineAsync(result.Error);
            return result.ExitCode;
        });
        return command;
    }

    private sealed record Result(string? Json, string? Error, int ExitCode);

    /// <summary>RFC 9449 section 8: the server wants its nonce in the proof; the answer carries it, and the request is sent once more.</summary>
    private const string UseDpopNonce = "use_dpop_nonce";

    private static async Task<Result> OverGrpcAsync(string address, ExchangeRequest request, Func<string?, string>? dpopProof, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var client = new Protos.V1.TokenExchange.TokenExchangeClient(channel);
        try
        {
            ExchangeResponse response;
            try
            {
                response = await client.ExchangeAsync(request, dpopProof is null ? null : new Metadata { { "dpop", dpopProof(null) } }, cancellationToken: cancellationToken);
            }
            // The nonce is the call's dpop-nonce trailer (docs/spec.md section 9).
            catch (RpcException e) when (dpopProof is not null && e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason == UseDpopNonce && e.Trailers.GetValue("dpop-nonce") is { } nonce)
            {
                response = await client.ExchangeAsync(request, new Metadata { { "dpop", dpopProof(nonce) } }, cancellationToken: cancellationToken);
            }
            return new Result(ResponseJson(new Dictionary<string, object?>
            {
                ["access_token"] = response.AccessToken,
                ["issued_token_type"] = response.IssuedTokenType,
                ["token_type"] = response.TokenType,
                ["expires_in"] = response.ExpiresIn,
                ["scope"] = NullIfEmpty(response.Scope),
                ["refresh_token"] = NullIfEmpty(response.RefreshToken),
                ["id_token"] = NullIfEmpty(response.IdToken),
            }), null, ExitCodes.Success);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.GetRpcStatus()?.GetDetail<ErrorInfo>() is null)
        {
            return new Result(null, $"error: cannot reach {address}: {e.Status.Detail}", ExitCodes.Unreachable);
        }
        catch (RpcException e)
        {
            var code = e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? e.StatusCode.ToString();
            return new Result(null, ErrorJson(code, e.Status.Detail, $"grpc {e.StatusCode}"), ExitCodes.Refused);
        }
    }

    private static async Task<Result> OverHttpAsync(string address, ExchangeRequest request, Func<string?, string>? dpopProof, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var exchange = new TokenExchangeTokenRequest
        {
            Address = address.TrimEnd('/') + "/oauth2/token",
            ClientId = request.ClientId,
            ClientSecret = NullIfEmpty(request.ClientSecret),
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            SubjectToken = request.SubjectToken,
            SubjectTokenType = request.SubjectTokenType,
            RequestedTokenType = NullIfEmpty(request.RequestedTokenType),
            Scope = request.Scope.Count > 0 ? string.Join(' ', request.Scope) : null,
            DPoPProofToken = dpopProof?.Invoke(null),
        };
        foreach (var audience in request.Audience) exchange.Parameters.Add("audience", audience, ParameterReplaceBehavior.None);
        foreach (var resource in request.Resource) exchange.Parameters.Add("resource", resource, ParameterReplaceBehavior.None);
        if (request.TokenHandler.Length > 0) exchange.Parameters.Add("token_handler", request.TokenHandler);
        if (request.RequestDetails.Length > 0) exchange.Parameters.Add("request_details", request.RequestDetails);
        if (request.RequestContext.Length > 0) exchange.Parameters.Add("request_context", request.RequestContext);

        var response = await http.RequestTokenExchangeTokenAsync(exchange, cancellationToken);
        // The nonce is the answer's DPoP-Nonce header; the same request again, with a new proof that carries it.
        if (dpopProof is not null && response.Error == UseDpopNonce && response.DPoPNonce is { } nonce)
        {
            exchange.DPoPProofToken = dpopProof(nonce);
            response = await http.RequestTokenExchangeTokenAsync(exchange, cancellationToken);
        }
        // A 401 (invalid_client) counts as an HTTP error to the client library; its body is still an OAuth error.
        var oauthError = response.ErrorType == ResponseErrorType.Protocol ? response.Error : ErrorCode(response.Raw);
        return response.ErrorType switch
        {
            ResponseErrorType.None => new Result(response.Json?.GetRawText(), null, ExitCodes.Success),
            ResponseErrorType.Exception => new Result(null, $"error: cannot reach {exchange.Address}: {response.Exception?.Message}", ExitCodes.Unreachable),
            _ when oauthError is not null => new Result(null, ErrorJson(oauthError, response.ErrorDescription ?? ErrorDescription(response.Raw), $"http {(int)response.HttpStatusCode}"), ExitCodes.Refused),
            _ => new Result(null, $"error: {(int)response.HttpStatusCode} {response.HttpErrorReason}", ExitCodes.Refused),
        };
    }

    private static string? ErrorCode(string? body) => ErrorField(body, "error");

    private static string? ErrorDescription(string? body) => ErrorField(body, "error_description");

    private static string? ErrorField(string? body, string name)
    {
        if (string.IsNullOrEmpty(body)) return null;
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Short names (jwt, access_token) become RFC 8693 URNs; anything else is passed as given.</summary>
    private static string Urn(string type) => type.Contains(':', StringComparison.Ordinal) ? type : TokenTypePrefix + type;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string ResponseJson(Dictionary<string, object?> fields) =>
        JsonSerializer.Serialize(fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value), Json);

    private static string ErrorJson(string code, string? description, string transport) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["error"] = code, ["error_description"] = description, ["transport"] = transport }, Json);
}
