using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Pos.Grpc.Providers.RSeries;

/// <summary>A PKCE pair: the verifier stays with us (stored with the pending authorization), the challenge goes in the URL.</summary>
public sealed record PkcePair(string Verifier, string Challenge);

/// <summary>PKCE (RFC 7636) with the S256 method, the only one Lightspeed documents.</summary>
public static class Pkce
{
    /// <summary>A new random verifier (43 base64url chars from 32 random bytes) and its S256 challenge.</summary>
    public static PkcePair Create()
    {
        var verifier = CreateVerifier();
        return new PkcePair(verifier, ComputeChallenge(verifier));
    }

    public static string CreateVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>BASE64URL(SHA256(ASCII(verifier))), no padding.</summary>
    public static string ComputeChallenge(string verifier) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
