using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>A certificate authority and a server certificate it signed (for localhost and 127.0.0.1), written as PEM files.</summary>
internal sealed record TestCertificates(string CaPem, string CaFile, string CertificateFile, string KeyFile)
{
    /// <summary>Creates the authority and the server certificate in <paramref name="directory"/>.</summary>
    public static async Task<TestCertificates> CreateAsync(string directory, string authorityName = "dr-test-ca")
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN={authorityName}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var caPem = ca.ExportCertificatePem();
        var certificates = new TestCertificates(caPem, Path.Combine(directory, "ca.crt"), Path.Combine(directory, "server.crt"),
            Path.Combine(directory, "server.key"));
        await File.WriteAllTextAsync(certificates.CaFile, caPem);
        await File.WriteAllTextAsync(certificates.CertificateFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(certificates.KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }
}
