using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pos.Grpc.Providers;

/// <summary>
/// A token record as camelCase JSON (enums by name), the format a provider's tokens take in the store. Property
/// names are part of the stored format: renaming one needs a migration of stored tokens.
/// </summary>
public sealed class JsonTokenCodec<TTokens> : ITokenCodec<TTokens>
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public string Serialize(TTokens tokens) => JsonSerializer.Serialize(tokens, Options);

    public TTokens Deserialize(string serialized) =>
        JsonSerializer.Deserialize<TTokens>(serialized, Options)
        ?? throw new JsonException("Stored tokens are empty.");
}
