using System.Globalization;
using System.Text.RegularExpressions;

namespace Pos.Grpc.LightspeedSimulator.Api;

/// <summary>A query string problem, answered with a 400 httpCode envelope.</summary>
public sealed class BadQueryException(string message) : Exception(message);

/// <summary>
/// Lightspeed's filter syntax: the operator travels inside the value, `field=OP,value` (lightspeed-api.md §4).
/// Values arrive URL-decoded (ASP.NET decodes the query), so `%3E%3C%2C` and a raw `&gt;&lt;,` read the same,
/// and an unencoded '+' in an offset has become a space, which then fails to parse, as it would at Lightspeed.
/// </summary>
public sealed class QueryFilter<T>(string field, string op, IReadOnlyList<T> values)
    where T : IComparable<T>
{
    public string Field { get; } = field;
    public string Operator { get; } = op;
    public IReadOnlyList<T> Values { get; } = values;

    public bool Matches(T value) => Operator switch
    {
        "=" => value.CompareTo(Values[0]) == 0,
        "!=" => value.CompareTo(Values[0]) != 0,
        ">" => value.CompareTo(Values[0]) > 0,
        ">=" => value.CompareTo(Values[0]) >= 0,
        "<" => value.CompareTo(Values[0]) < 0,
        "<=" => value.CompareTo(Values[0]) <= 0,
        "><" => value.CompareTo(Values[0]) >= 0 && value.CompareTo(Values[1]) <= 0, // inclusive both ends
        "IN" => Values.Any(v => value.CompareTo(v) == 0),
        _ => false,
    };

    /// <summary>Lowest value the filter admits (null: unbounded), for narrowing the days the catalog walks.</summary>
    public (bool Has, T Value) LowerBound => Operator switch
    {
        ">" or ">=" or "=" or "><" => (true, Values[0]), "IN" => (true, Values.Min()!), _ => (false, default!),
    };

    public (bool Has, T Value) UpperBound => Operator switch
    {
        "<" or "<=" or "=" => (true, Values[0]), "><" => (true, Values[1]), "IN" => (true, Values.Max()!), _ => (false, default!),
    };

    // Longest first, so "><" and ">=" are not read as ">".
    private static readonly string[] Operators = ["><", ">=", "<=", "!=", ">", "<", "=", "IN"];

    public static QueryFilter<T> Parse(string field, string raw, Func<string, T> parseValue)
    {
        var op = "=";
        var rest = raw;
        foreach (var candidate in Operators)
        {
            if (raw.StartsWith(candidate + ",", StringComparison.Ordinal))
            {
                op = candidate;
                rest = raw[(candidate.Length + 1)..];
                break;
            }
        }
        if (raw.StartsWith('~') || raw.StartsWith("!~", StringComparison.Ordinal))
            throw new BadQueryException($"Operator '~' is not supported by the simulator for {field}.");
        try
        {
            IReadOnlyList<T> values = op switch
            {
                "><" => rest.Split(',') is [var a, var b] ? [parseValue(a), parseValue(b)]
                    : throw new BadQueryException($"'><' needs two comma-separated values for {field}."),
                "IN" => FilterValues.InList().Match(rest) is { Success: true } m
                    ? m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(v => parseValue(v.Trim('"'))).ToList()
                    : throw new BadQueryException($"IN needs a list like IN,[1,2] for {field}."),
                _ => [parseValue(rest)],
            };
            if (op == "IN" && values.Count > 100) throw new BadQueryException($"IN accepts at most 100 values for {field}.");
            return new QueryFilter<T>(field, op, values);
        }
        catch (FormatException)
        {
            throw new BadQueryException($"Invalid value '{raw}' for {field}.");
        }
        catch (OverflowException)
        {
            throw new BadQueryException($"Invalid value '{raw}' for {field}.");
        }
    }
}

public static partial class FilterValues
{
    public static long Id(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static bool Bool(string s) => s switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new FormatException(),
    };

    /// <summary>YYYY-MM-DDTHH:MM:SS with an optional ±HHMM, ±HH:MM or Z; no offset means UTC.</summary>
    public static DateTimeOffset Time(string s)
    {
        var m = TimePattern().Match(s);
        if (!m.Success) throw new FormatException();
        var local = DateTime.ParseExact(m.Groups[1].Value, m.Groups[1].Value.Length == 10 ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm:ss",
            CultureInfo.InvariantCulture);
        var zone = m.Groups[3].Value;
        var offset = zone is "" or "Z"
            ? TimeSpan.Zero
            : new TimeSpan(int.Parse(zone[1..3], CultureInfo.InvariantCulture), int.Parse(zone[^2..], CultureInfo.InvariantCulture), 0)
                * (zone[0] == '-' ? -1 : 1);
        return new DateTimeOffset(local, offset);
    }

    [GeneratedRegex(@"^\[(.*)\]$")]
    internal static partial Regex InList();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex TimePattern();
}
