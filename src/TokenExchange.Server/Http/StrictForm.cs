using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using TokenExchange.Exchange;

namespace TokenExchange.Server.Http;

/// <summary>
/// How every form endpoint (token, introspection, revocation, dev issuer) reads its body: only
/// <c>application/x-www-form-urlencoded</c> (never multipart, which ASP.NET would spool to disk), at most
/// <see cref="MaxBodyBytes"/> read into memory, each field strictly UTF-8 without control characters
/// (<see cref="FormEncoding"/>), and at most <see cref="MaxFields"/> fields with names of at most
/// <see cref="MaxNameLength"/> characters.
/// </summary>
public static class StrictForm
{
    /// <summary>Largest form body; a 16 KiB subject token plus the other parameters fits well.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public const int MaxFields = 128;
    public const int MaxNameLength = 256;

    /// <summary>The form, or why it was refused (an invalid_request; <paramref name="Status"/> 413 when too large).</summary>
    public sealed record Outcome(IFormCollection? Form, OAuthError? Error, int? Status = null);

    /// <param name="knownNames">Names a refusal may echo; any other field is called "a parameter".</param>
    public static async Task<Outcome> ReadAsync(HttpContext http, IReadOnlySet<string> knownNames)
    {
        // 413 before a byte of the body is read: a client that sent Expect: 100-continue never sends it.
        if (http.Request.ContentLength > MaxBodyBytes) return TooLarge(http);
        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            return new(null, Errors.InvalidRequest("the request must be application/x-www-form-urlencoded"));
        // A chunked body has no length to check up front: Kestrel stops reading it at the same limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = MaxBodyBytes;
        (byte[] Buffer, int Length) body;
        try
        {
            body = await ReadBodyAsync(http.Request, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(http);
        }
        try
        {
            if (FormEncoding.FindUnclean(body.Buffer.AsSpan(0, body.Length), knownNames) is { } unclean)
                return new(null, Errors.InvalidRequest(ParameterText.Refusal(unclean)));
            // The pipe reader ASP.NET Core reads its own forms with: it decodes from the body's bytes, where FormReader
            // would allocate a StreamReader and its buffers for every request. Its fields are strings of their own.
            var reader = new FormPipeReader(PipeReader.Create(new ReadOnlySequence<byte>(body.Buffer, 0, body.Length)))
            {
                KeyLengthLimit = MaxNameLength,
                ValueCountLimit = MaxFields,
                ValueLengthLimit = (int)MaxBodyBytes,
            };
            return new(new FormCollection(await reader.ReadFormAsync(http.RequestAborted)), null);
        }
        catch (InvalidDataException)
        {
            return new(null, Errors.InvalidRequest($"the request body is not a valid form or exceeds its limits ({MaxFields} fields, names of {MaxNameLength} characters)"));
        }
        finally
        {
            // The body holds credentials (client secrets, tokens): cleared before its buffer goes back to the pool.
            body.Buffer.AsSpan(0, body.Length).Clear();
            ArrayPool<byte>.Shared.Return(body.Buffer);
        }
    }

    /// <summary>
    /// The body's bytes in a pooled buffer (the caller returns it): with a Content-Length (the usual case) read into
    /// one of at least that size, else (chunked) copied through a growing stream first. Kestrel refuses a body that
    /// ends before its Content-Length.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is not { } length)
        {
            using var stream = new MemoryStream();
            await request.Body.CopyToAsync(stream, cancellationToken);
            var copy = ArrayPool<byte>.Shared.Rent((int)stream.Length);
            stream.GetBuffer().AsSpan(0, (int)stream.Length).CopyTo(copy);
            return (copy, (int)stream.Length);
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            return (buffer, await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, cancellationToken));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            throw;
        }
    }

    /// <summary>
    /// 413, and the connection closed: the rest of an oversized body is not worth reading, and leaving it
    /// unread would corrupt the next request on the connection.
    /// </summary>
    private static Outcome TooLarge(HttpContext http)
    {
        http.Response.Headers.Connection = "close";
        return new(null, Errors.InvalidRequest($"the request body is larger than {MaxBodyBytes} bytes"), StatusCodes.Status413PayloadTooLarge);
    }
}
