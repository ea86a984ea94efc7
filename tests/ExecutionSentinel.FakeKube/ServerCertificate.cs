using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// The fake server's TLS: a throwaway certificate authority (made once per process) and a serving certificate for
/// 127.0.0.1 and localhost signed by it. A real API server is reached over TLS only, and kubectl sends a bearer
/// token only over TLS, so the fake server serves HTTPS and clients trust this authority, as a kubeconfig's
/// <c>certificate-authority-data</c> says.
/// </summary>
public static class ServerCertificate
{
    private static readonly Lazy<(X509Certificate2 Authority, X509Certificate2 Serving)> Pair = new(Create);

    /// <summary>The certificate authority (public part only).</summary>
    public static X509Certificate2 Authority => Pair.Value.Authority;

    /// <summary>The authority as PEM.</summary>
    public static string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>The authority as a kubeconfig's <c>certificate-authority-data</c> (base64 of the PEM).</summary>
    public static string AuthorityData => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(AuthorityPem));

    internal static X509Certificate2 Serving => Pair.Value.Serving;

    private static (X509Certificate2, X509Certificate2) Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=fake-kube-ca", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        using var servingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var servingRequest = new CertificateRequest("CN=kube-apiserver", servingKey, HashAlgorithmName.SHA256);
        servingRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        servingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        servingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        servingRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        servingRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(servingRequest.PublicKey, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        servingRequest.CertificateExtensions.Add(names.Build());
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var signed = servingRequest.Create(authority, now.AddDays(-1), now.AddMonths(6), serial);
        using var withKey = signed.CopyWithPrivateKey(servingKey);

        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        var serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (X509CertificateLoader.LoadCertificate(authority.RawData), serving);
    }
}
