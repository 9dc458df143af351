using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>A host whose Data Protection keys are encrypted with a certificate (a self-signed one, made once per test run).</summary>
public sealed class KeyRingCertificateFixture : PosHostFixture
{
    private const string Password = "test-only";
    private static readonly Lazy<string> CertificateFile = new(CreateCertificateFile);

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["DataProtection:Certificate:Path"] = CertificateFile.Value;
        settings["DataProtection:Certificate:Password"] = Password;
        return settings;
    }

    private static string CreateCertificateFile()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Pos.Grpc key ring (test)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"pos-grpc-key-ring-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }
}

/// <summary>
/// With DataProtection:Certificate set, the key ring in PostgreSQL holds no key in clear, and another instance with
/// the certificate reads what this one protected.
/// </summary>
public sealed class KeyRingCertificateTests(KeyRingCertificateFixture host) : IClassFixture<KeyRingCertificateFixture>
{
    private const string Purpose = "Pos.Grpc.Tests.KeyRing";

    internal static IDataProtector Protector(PosHostFixture instance) =>
        instance.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    [Fact]
    public async Task EveryStoredKey_IsEncryptedWithTheCertificate()
    {
        Protector(host).Protect("a Lightspeed refresh token");

        await using var db = host.NewDbContext();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
    }

    [Fact]
    public async Task AnotherInstanceWithTheCertificate_ReadsWhatThisOneProtected()
    {
        var protectedHere = Protector(host).Protect("a Lightspeed refresh token");
        await using var sibling = await host.StartSiblingAsync<KeyRingCertificateFixture>();

        Assert.Equal("a Lightspeed refresh token", Protector(sibling).Unprotect(protectedHere));
    }

}

/// <summary>
/// An instance without the certificate cannot read the keys, so it cannot read anything protected with them. Its own
/// database: such an instance adds an unencrypted key of its own to the ring (docs/security.md says why every instance
/// must have the certificate), which would spoil the other class's check that every stored key is encrypted.
/// </summary>
public sealed class KeyRingWithoutCertificateTests(KeyRingCertificateFixture host) : IClassFixture<KeyRingCertificateFixture>
{
    [Fact]
    public async Task AnInstanceWithoutTheCertificate_CannotReadWhatWasProtected()
    {
        var protectedHere = KeyRingCertificateTests.Protector(host).Protect("a Lightspeed refresh token");
        await using var sibling = await host.StartSiblingAsync();

        Assert.ThrowsAny<CryptographicException>(() => KeyRingCertificateTests.Protector(sibling).Unprotect(protectedHere));
    }
}
