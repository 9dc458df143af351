using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

/// <summary>
/// OAuth states that carry their own expiry and MAC: version (1 byte), expiry in Unix seconds (8), a random nonce
/// (16) and an HMAC-SHA256 of those, cut to 16 bytes; 55 characters of base64url. The OAuth callback needs no token,
/// so anyone can call it with any state: one this service did not issue, or that has expired, is refused by
/// <see cref="IsGenuine"/> without a database read (a flood of forged callbacks used to run an UPDATE each). The
/// database stays the authority on the rest: a genuine state is still single use and bound to its client and user.
/// <para>The key is derived (HKDF) from the Lightspeed client secret, which every instance has, so a state issued by
/// one instance is genuine on all of them. Rotating the secret voids the states in flight (they live 10 minutes).
/// A public client without a secret gets a key anyone can derive: then the MAC only keeps out random noise, and
/// forged states that pass it still end at the database lookup, within the callback's rate and concurrency limits.</para>
/// </summary>
public sealed class OAuthStateSigner(IOptions<RSeriesOptions> options, TimeProvider clock)
{
    private const byte Version = 1;
    private const int NonceLength = 16, MacLength = 16;
    private const int SignedLength = 1 + 8 + NonceLength;

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.ClientSecret), 32,
        salt: Encoding.UTF8.GetBytes(options.Value.ClientId), info: "Pos.Grpc.OAuthState.v1"u8.ToArray());

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
