using DisasterRecovery.LocalS3.Auth;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>One authenticated request on its way to an operation.</summary>
internal sealed class S3Call
{
    public S3Call(HttpContext http, S3RequestTarget target, SigningContext signing)
    {
        Http = http;
        Target = target;
        Signing = signing;
    }

    public HttpContext Http { get; }

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    public S3RequestTarget Target { get; }

    public SigningContext Signing { get; }

    public string Bucket => Target.Bucket ?? throw new InvalidOperationException("No bucket in this request.");

    public string Key => Target.Key ?? throw new InvalidOperationException("No key in this request.");

    public CancellationToken Aborted => Http.RequestAborted;

    public string? Query(string name) => Target.Get(name);

    public string? Header(string name)
    {
        var value = Request.Headers[name].ToString();
        return string.IsNullOrEmpty(value) ? null : value.Trim();
    }

    public bool HeaderIsTrue(string name) => string.Equals(Header(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The versionId query parameter; an empty value is treated as absent.</summary>
    public string? VersionId => string.IsNullOrEmpty(Query("versionId")) ? null : Query("versionId");
}
