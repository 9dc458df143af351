using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Features.LightspeedAuth;
using Pos.Grpc.Providers.KSeries;
using Pos.Grpc.Providers.RSeries;
using Pos.Grpc.Tests.Infrastructure;

namespace Pos.Grpc.Tests.Security;

/// <summary>A host configured for Lightspeed Restaurant (K-Series) alone: its R-Series section has no client id or secret.</summary>
public sealed class KSeriesOnlyHostFixture : PosHostFixture
{
    public const string KClientId = "devp-v2-k-only";
    public const string KClientSecret = "k-only-secret-4f9c1e";

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["LightspeedKSeries:ClientId"] = KClientId;
        settings["LightspeedKSeries:ClientSecret"] = KClientSecret;
        settings["LightspeedKSeries:ApiBaseUrl"] = "http://127.0.0.1:9";
        settings["LightspeedKSeries:V2OAuthBaseUrl"] = "http://127.0.0.1:9";
        return settings;
    }
}

/// <summary>
/// The OAuth state's MAC key comes from every POS's secret: the key used to come from the R-Series client secret alone, so
/// a host configured for K-Series alone signed its states with a key anyone could derive (from two empty strings).
/// </summary>
public sealed class OAuthStateKeyTests(KSeriesOnlyHostFixture host) : IClassFixture<KSeriesOnlyHostFixture>
{
    [Fact]
    public async Task KSeriesOnlyHost_RefusesStatesForgedWithWhatAnOutsiderKnows_AndAcceptsItsOwn()
    {
        var expiry = DateTimeOffset.UtcNow.AddMinutes(10);
        // What the old derivation gave such a host (HKDF of the empty R-Series secret, salted with the empty client id),
        // and the new derivation with everything public: the K-Series client id (it is in every authorisation URL), no secret.
        var oldKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, [], 32, salt: [], info: "Pos.Grpc.OAuthState.v1"u8.ToArray());
        var withoutSecret = Signer(new RSeriesOptions(), new KSeriesOptions { ClientId = KSeriesOnlyHostFixture.KClientId });

        foreach (var forged in new[] { Forge(oldKey, expiry), withoutSecret.Issue(expiry) })
        {
            var (status, page, _) = await Callback.GetAsync(Callback.Url(host, forged));
            Assert.True(status == HttpStatusCode.BadRequest, $"{forged}: {status} {page}");
            Assert.Contains("This link is not valid", page);
        }

        // The host's own state passes the MAC and goes on to the database, which has never heard of it.
        var genuine = host.Services.GetRequiredService<OAuthStateSigner>().Issue(expiry);
        var (_, ownPage, _) = await Callback.GetAsync(Callback.Url(host, genuine));
        Assert.DoesNotContain("This link is not valid", ownPage);
        Assert.Contains("Lightspeed could not be connected", ownPage);
    }

    [Fact]
    public void EitherSecretAlone_DecidesTheKey_AndInstancesWithTheSameConfigurationAgree()
    {
        var expiry = DateTimeOffset.UtcNow.AddMinutes(10);
        RSeriesOptions R(string secret) => new() { ClientId = "r-client", ClientSecret = secret };
        KSeriesOptions K(string secret) => new() { ClientId = "devp-v2-client", ClientSecret = secret };

        var instanceA = Signer(R("r-secret"), K("k-secret"));
        var instanceB = Signer(R("r-secret"), K("k-secret"));
        Assert.True(instanceB.IsGenuine(instanceA.Issue(expiry)));

        Assert.False(Signer(R("r-secret"), K("other")).IsGenuine(instanceA.Issue(expiry)));
        Assert.False(Signer(R("other"), K("k-secret")).IsGenuine(instanceA.Issue(expiry)));
        // Each POS alone: K-Series only, R-Series only.
        Assert.False(Signer(R(""), K("other")).IsGenuine(Signer(R(""), K("k-secret")).Issue(expiry)));
        Assert.False(Signer(R("other"), K("")).IsGenuine(Signer(R("r-secret"), K("")).Issue(expiry)));
        // Parts are length-prefixed: moving characters between the id and the secret gives another key.
        Assert.False(Signer(new() { ClientId = "r-clien", ClientSecret = "tr-secret" }, K("k-secret")).IsGenuine(instanceA.Issue(expiry)));
    }

    private static OAuthStateSigner Signer(RSeriesOptions rSeries, KSeriesOptions kSeries) =>
        new(Options.Create(rSeries), Options.Create(kSeries), TimeProvider.System);

    /// <summary>A state in the signer's format (version 1, expiry, nonce, HMAC-SHA256 cut to 16 bytes) under <paramref name="key"/>.</summary>
    private static string Forge(byte[] key, DateTimeOffset expiresAt)
    {
        var state = new byte[1 + 8 + 16 + 16];
        state[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(state.AsSpan(1), expiresAt.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(state.AsSpan(9, 16));
        HMACSHA256.HashData(key, state.AsSpan(0, 25))[..16].CopyTo(state, 25);
        return Base64Url.EncodeToString(state);
    }
}
