using Microsoft.AspNetCore.DataProtection;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host;

public static class DataProtectionExtensions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// Data Protection for secrets at rest (Lightspeed tokens, PKCE verifiers): one key ring in PostgreSQL, shared by
    /// every instance. With "DataProtection:Certificate" (a PKCS#12 file: Path, Password) the keys are themselves
    /// encrypted with that certificate before they are stored, so a copy of the database alone reveals no token.
    /// "DataProtection:PreviousCertificates" still decrypt keys written under certificates since replaced.
    /// A certificate that cannot be loaded stops the host at start-up.
    /// </summary>
    public static WebApplicationBuilder AddPosDataProtection(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Pos.Grpc").PersistKeysToDbContext<PosDbContext>();
        var keyRing = KeyRingOptions(builder.Configuration);
        if (keyRing.Certificate is { } current)
        {
            dataProtection.ProtectKeysWithCertificate(current.Load($"{Section}:Certificate"));
            if (keyRing.PreviousCertificates.Count > 0)
                dataProtection.UnprotectKeysWithAnyCertificate(
                    keyRing.PreviousCertificates.Select((file, i) => file.Load($"{Section}:PreviousCertificates:{i}")).ToArray());
        }
        return builder;
    }

    /// <summary>Says at start-up when keys are stored unencrypted outside Development.</summary>
    public static WebApplication WarnWhenKeyRingUnprotected(this WebApplication app)
    {
        if (KeyRingOptions(app.Configuration).Certificate is null && !app.Environment.IsDevelopment())
            app.Logger.LogWarning(
                "Data Protection keys are stored in PostgreSQL unencrypted: set {Section}:Certificate:Path (and :Password) to encrypt them with a certificate.",
                Section);
        return app;
    }

    private static KeyRing KeyRingOptions(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<KeyRing>() ?? new KeyRing();

    private sealed class KeyRing
    {
        public CertificateFile? Certificate { get; set; }
        public List<CertificateFile> PreviousCertificates { get; set; } = [];
    }
}
