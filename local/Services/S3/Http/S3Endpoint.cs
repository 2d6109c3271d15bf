using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Lifecycle;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>
/// The request pipeline: parse the raw target, verify the signature, pick the operation, catch up on the daily
/// lifecycle runs the clock has passed, run the operation, turn failures into S3 error documents, and log one line.
/// </summary>
internal sealed class S3Endpoint
{
    private readonly SigV4Verifier verifier;
    private readonly S3Router router;
    private readonly RequestLog log;
    private readonly LifecycleRunner lifecycle;
    private readonly TimeProvider time;

    public S3Endpoint(SigV4Verifier verifier, S3Router router, RequestLog log, LifecycleRunner lifecycle, TimeProvider time)
    {
        this.verifier = verifier;
        this.router = router;
        this.log = log;
        this.lifecycle = lifecycle;
        this.time = time;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = NewRequestId();
        context.Response.Headers["x-amz-request-id"] = requestId;
        context.Response.Headers["x-amz-id-2"] = requestId;
        context.Response.Headers.Server = "LocalS3";

        S3RequestTarget? target = null;
        var operation = "Unknown";
        string? error = null;
        try
        {
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
            target = S3RequestTarget.Parse(rawTarget);
            var signing = verifier.Verify(context.Request, target);
            var route = router.Resolve(context.Request.Method, target, context.Request.Headers.ContainsKey("x-amz-copy-source"));
            S3Router.RejectUnsupportedHeaders(context.Request.Headers);
            operation = route.Operation;
            lifecycle.CatchUp();
            await route.Run(new S3Call(context, target, signing));
        }
        catch (S3Exception exception)
        {
            error = exception.Kind.Code;
            await WriteErrorAsync(context, exception, target, requestId);
        }
        catch (Exception exception) when (IsClientGone(context, exception))
        {
            error = "ClientDisconnected";
        }
        catch (Exception exception)
        {
            error = S3Errors.InternalError.Code + ": " + exception.GetType().Name + ": " + exception.Message;
            await WriteErrorAsync(context, new S3Exception(S3Errors.InternalError), target, requestId);
        }
        finally
        {
            log.Write(new RequestLogEntry(
                time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                requestId,
                context.Request.Method,
                operation,
                target?.Bucket,
                target?.Key,
                context.Response.StatusCode,
                Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2),
                error));
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, S3Exception exception, S3RequestTarget? target, string requestId)
    {
        if (context.Response.HasStarted)
        {
            // Part of a body was sent: the only honest signal left is to cut the connection.
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.Headers["x-amz-request-id"] = requestId;
        context.Response.Headers["x-amz-id-2"] = requestId;
        context.Response.StatusCode = (int)exception.Kind.Status;
        foreach (var (name, value) in exception.Headers)
        {
            context.Response.Headers[name] = value;
        }

        // HEAD responses carry no body; S3 reports the error through the status code alone.
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var document = new XElement("Error",
            new XElement("Code", exception.Kind.Code),
            new XElement("Message", exception.Message),
            exception.Details.Select(detail => new XElement(detail.Key, detail.Value)),
            new XElement("Resource", target?.RawPath ?? "/"),
            new XElement("RequestId", requestId),
            new XElement("HostId", requestId));
        var bytes = S3Xml.Serialize(new XDocument(new XDeclaration("1.0", "UTF-8", null), document));
        context.Response.ContentType = "application/xml";
        context.Response.ContentLength = bytes.Length;
        try
        {
            await context.Response.Body.WriteAsync(bytes);
        }
        catch (Exception writeFailure) when (IsClientGone(context, writeFailure))
        {
            // The client left before reading the error.
        }
    }

    private static bool IsClientGone(HttpContext context, Exception exception) =>
        context.RequestAborted.IsCancellationRequested
        || exception is ConnectionResetException or OperationCanceledException
        || (exception is IOException && context.RequestAborted.IsCancellationRequested)
        || exception is BadHttpRequestException;

    private static string NewRequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
}
