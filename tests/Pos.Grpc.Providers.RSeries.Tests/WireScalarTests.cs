using System.Text.Json;

namespace Pos.Grpc.Providers.RSeries.Tests;

/// <summary>
/// Wire's scalars read from the page's bytes give exactly what the string path gives, for every shape Lightspeed
/// sends (strings, raw numbers and flags, "", absent) and for the unusual ones that fall back to it (escapes,
/// exponents, times without an offset).
/// </summary>
public sealed class WireScalarTests
{
    private static JsonElement Object(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("\"317.1\"", "317.1")]
    [InlineData("317.1", "317.1")]
    [InlineData("\"-0.5\"", "-0.5")]
    [InlineData("\"0.1428571428571428571428571429\"", "0.1428571428571428571428571429")]
    [InlineData("\"\"", "0")]
    [InlineData("\"1e-2\"", "0.01")]
    [InlineData("\"\\u0031.25\"", "1.25")]
    public void Decimal_IsTheInvariantValue(string wire, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Wire.Decimal(Object($$"""{"v":{{wire}}}"""), "v"));

    [Fact]
    public void Decimal_Absent_IsZero() => Assert.Equal(0m, Wire.Decimal(Object("""{"w":"1"}"""), "v"));

    [Theory]
    [InlineData("\"120645\"", 120645)]
    [InlineData("120645", 120645)]
    [InlineData("\"0\"", 0)]
    [InlineData("\"\"", 0)]
    [InlineData("\"\\u0037\"", 7)]
    public void Long_IsTheId(string wire, long expected) => Assert.Equal(expected, Wire.Long(Object($$"""{"v":{{wire}}}"""), "v"));

    [Theory]
    [InlineData("\"true\"", true)]
    [InlineData("\"True\"", true)]
    [InlineData("true", true)]
    [InlineData("\"false\"", false)]
    [InlineData("false", false)]
    [InlineData("\"\"", false)]
    public void Bool_IsTrueOnlyForTrue(string wire, bool expected) => Assert.Equal(expected, Wire.Bool(Object($$"""{"v":{{wire}}}"""), "v"));

    [Theory]
    [InlineData("2021-06-13T14:43:29+00:00", "2021-06-13T14:43:29+00:00")]
    [InlineData("2021-06-13T16:43:29+02:00", "2021-06-13T14:43:29+00:00")]
    [InlineData("2021-06-13T10:43:29-04:00", "2021-06-13T14:43:29+00:00")]
    [InlineData("2021-06-13T14:43:29Z", "2021-06-13T14:43:29+00:00")]
    [InlineData("2021-06-13T14:43:29", "2021-06-13T14:43:29+00:00")]
    public void Time_IsTheInstant_AndWithoutAnOffsetUtc(string wire, string expected)
    {
        var time = Wire.Time(Object($$"""{"v":"{{wire}}"}"""), "v");
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
        Assert.Equal(DateTimeOffset.Parse(wire, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal).Offset, time!.Value.Offset);
    }

    [Fact]
    public void Time_EmptyOrAbsent_IsNull()
    {
        Assert.Null(Wire.Time(Object("""{"v":""}"""), "v"));
        Assert.Null(Wire.Time(Object("""{"w":"x"}"""), "v"));
    }
}
