using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pos.Grpc.Host;

/// <summary>A PKCS#12 file named in configuration (Path, Password): the TLS certificate, the key ring's certificates.</summary>
public sealed class CertificateFile
{
    public string Path { get; set; } = "";
    public string? Password { get; set; }

    /// <summary>Loads it, or stops the host naming the setting (<paramref name="setting"/>:Path) and what is wrong.</summary>
    public X509Certificate2 Load(string setting)
    {
        if (string.IsNullOrWhiteSpace(Path)) throw new PosConfigurationException($"{setting}:Path must name a PKCS#12 (.pfx) file");
        if (!File.Exists(Path)) throw new PosConfigurationException($"{setting}:Path '{Path}' does not exist");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(Path, Password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new PosConfigurationException($"{setting}:Path '{Path}' cannot be read as PKCS#12 with {setting}:Password ({e.Message.Trim()})");
        }
        if (!certificate.HasPrivateKey) throw new PosConfigurationException($"{setting}:Path '{Path}' has no private key");
        if (certificate.NotAfter < DateTime.Now) throw new PosConfigurationException($"{setting}:Path '{Path}' expired on {certificate.NotAfter:yyyy-MM-dd}");
        return certificate;
    }
}
