using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>Reading and writing S3's XML documents.</summary>
internal static class S3Xml
{
    public static readonly XNamespace Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        Async = true,
    };

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    /// <summary>An element in the S3 namespace; null content is skipped, so optional fields can be passed inline.</summary>
    public static XElement Element(string name, params object?[] content) => new(Namespace + name, content.Where(item => item is not null));

    /// <summary>An element only when the value is present.</summary>
    public static XElement? Optional(string name, string? value) => value is null ? null : Element(name, value);

    /// <summary>S3's timestamp format in XML bodies: ISO 8601, UTC, milliseconds.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static async Task WriteAsync(HttpResponse response, XElement root, int statusCode = StatusCodes.Status200OK)
    {
        var bytes = Serialize(new XDocument(new XDeclaration("1.0", "UTF-8", null), root));
        response.StatusCode = statusCode;
        response.ContentType = "application/xml";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    public static byte[] Serialize(XDocument document)
    {
        using var memory = new MemoryStream();
        using (var writer = XmlWriter.Create(memory, WriterSettings))
        {
            document.Save(writer);
        }

        return memory.ToArray();
    }

    /// <summary>Parses a request document; anything that is not well-formed XML is S3's MalformedXML.</summary>
    public static XElement Parse(byte[] body)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), ReaderSettings);
            return XDocument.Load(reader).Root ?? throw new S3Exception(S3Errors.MalformedXML);
        }
        catch (XmlException)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }
    }

    /// <summary>Child elements by local name, whether or not the client used the S3 namespace.</summary>
    public static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(element => element.Name.LocalName == localName);

    public static XElement? Child(XElement parent, string localName) => Children(parent, localName).FirstOrDefault();

    public static string? ChildValue(XElement parent, string localName) => Child(parent, localName)?.Value;

    public static void RequireRoot(XElement root, string localName)
    {
        if (root.Name.LocalName != localName)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }
    }
}
