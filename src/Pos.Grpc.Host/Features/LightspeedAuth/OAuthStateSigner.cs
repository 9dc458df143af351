using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pos.Grpc.Providers.KSeries;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>
/// OAuth states that carry their own expiry and MAC: version (1 byte), expiry in Unix seconds (8), a random nonce
/// (16) and an HMAC-SHA256 of those, cut to 16 bytes; 55 characters of base64url. The OAuth callback needs no token,
/// so anyone can call it with any state: one this service did not issue, or that has expired, is refused by
/// <see cref="IsGenuine"/> without a database read (a flood of forged callbacks used to run an UPDATE each). The
/// database stays the authority on the rest: a genuine state is still single use and bound to its client and user.
/// <para>The key is derived (HKDF) from the client ids and secrets of every Lightspeed POS configured (R-Series and
/// K-Series), which every instance has, so a state issued by one instance is genuine on all of them, and a host configured
/// for either POS alone still has a key nobody outside can derive. Rotating a secret voids the states in flight (they live
/// 10 minutes). Only a host with no secret at all (a public R-Series client and no K-Series) gets a key anyone can derive:
/// then the MAC only keeps out random noise, and forged states that pass it still end at the database lookup, within the
/// callback's rate and concurrency limits.</para>
/// </summary>
public sealed class OAuthStateSigner(IOptions<RSeriesOptions> rSeries, IOptions<KSeriesOptions> kSeries, TimeProvider clock)
{
    private const byte Version = 1;
    private const int NonceLength = 16, MacLength = 16;
    private const int SignedLength = 1 + 8 + NonceLength;

    private readonly byte[] _key = DeriveKey(rSeries.Value, kSeries.Value);

    /// <summary>
    /// HKDF over each POS's client id and secret, every one length-prefixed so that no two configurations give the same
    /// input ("ab" + "c" is not "a" + "bc"). Any one secret an outsider does not know makes the key unknown to them.
    /// </summary>
    private static byte[] DeriveKey(RSeriesOptions rSeries, KSeriesOptions kSeries)
    {
        var material = new List<byte>();
        foreach (var part in new[] { "r-series", rSeries.ClientId, rSeries.ClientSecret, "k-series", kSeries.ClientId, kSeries.ClientSecret })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            material.AddRange(length);
            material.AddRange(bytes);
        }
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, material.ToArray(), 32, salt: [], info: "Pos.Grpc.OAuthState.v2"u8.ToArray());
    }

    public string Issue(DateTimeOffset expiresAt)
    {
        Span<byte> state = stackalloc byte[SignedLength + MacLength];
        state[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(state[1..], expiresAt.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(state.Slice(9, NonceLength));
        Mac(state[..SignedLength], state[SignedLength..]);
        return Base64Url.EncodeToString(state);
    }

    /// <summary>Issued by this service (any instance) and not expired.</summary>
    public bool IsGenuine(string state)
    {
        Span<byte> bytes = stackalloc byte[SignedLength + MacLength];
        if (state.Length != Base64Url.GetEncodedLength(bytes.Length)
            || !Base64Url.TryDecodeFromChars(state, bytes, out var written) || written != bytes.Length || bytes[0] != Version)
            return false;
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..SignedLength], expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes[SignedLength..])
            && BinaryPrimitives.ReadInt64BigEndian(bytes[1..]) > clock.GetUtcNow().ToUnixTimeSeconds();
    }

    private void Mac(ReadOnlySpan<byte> signed, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, signed, full);
        full[..MacLength].CopyTo(mac);
    }
}
