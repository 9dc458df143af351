namespace Pos.Grpc.Benchmarks;

/// <summary>How the host's memory went during one import: from a fresh process, sampled every 100 ms.</summary>
public sealed record MemoryProfile(double StartRssMb, double PeakRssMb, double HighWaterMarkMb, double EndRssMb, IReadOnlyList<double> RssAtQuarters)
{
    public static MemoryProfile Of(double startRssMb, MeasuredHost host, ImportRun run)
    {
        // RSS when a quarter, half, three quarters and all of the department-days were done.
        var quarters = new List<double>();
        foreach (var q in new[] { 0.25, 0.5, 0.75, 1.0 })
        {
            var sample = run.Samples.FirstOrDefault(s => s.DaysTotal > 0 && s.DaysDone >= q * s.DaysTotal) ?? run.Samples[^1];
            quarters.Add(sample.RssMb);
        }
        return new MemoryProfile(startRssMb, host.PeakRssMb, host.HighWaterMarkMb, host.RssMb, quarters);
    }

    /// <summary>Largest difference between the RSS at ¼, ½, ¾ and the end of the import (MB): flat memory keeps it small.</summary>
    public double Drift => RssAtQuarters.Max() - RssAtQuarters.Min();

    public string Quarters => string.Join(" / ", RssAtQuarters.Select(r => Bench.F(r)));
}
