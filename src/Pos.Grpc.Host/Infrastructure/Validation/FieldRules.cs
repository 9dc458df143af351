namespace Pos.Grpc.Host.Infrastructure.Validation;

/// <summary>Shared shapes of input fields.</summary>
public static class FieldRules
{
    public const int MaxNameLength = 200;
    public const int MaxCodeLength = 50;
    public const int MaxPosIdLength = 20;

    /// <summary>Lightspeed ids are positive integers written as digits.</summary>
    public static bool IsPosId(string value) =>
        value.Length is > 0 and <= MaxPosIdLength && value.All(char.IsAsciiDigit) && value.Any(c => c != '0');
}
