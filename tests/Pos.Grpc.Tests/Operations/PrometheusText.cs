using System.Globalization;
using System.Text.RegularExpressions;

namespace Pos.Grpc.Tests.Operations;

/// <summary>A scrape of the operations port's /metrics, read the way Prometheus reads its text format.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    public static async Task<PrometheusText> ScrapeAsync(int operationsPort)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{operationsPort}/metrics");
        response.EnsureSuccessStatusCode();
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every sample of a metric: its labels and value.</summary>
    public IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string name) =>
        Text.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Select(m => ((IReadOnlyDictionary<string, string>)Label().Matches(m.Groups["labels"].Value)
                    .ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The sum of a metric's samples whose labels include every one given.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples(name).Where(s => labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => Samples(name).Count > 0;

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[^ ]+)( \d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex(""""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)"""")]
    private static partial Regex Label();
}
