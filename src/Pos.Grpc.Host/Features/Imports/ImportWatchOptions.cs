namespace Pos.Grpc.Host.Features.Imports;

/// <summary>WatchImportJob streams (section "Imports:Watch").</summary>
public sealed class ImportWatchOptions
{
    public const string Section = "Imports:Watch";

    /// <summary>A heartbeat is sent after this long without any message; the contract promises at least every 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between two progress messages of one stream: notifications arriving faster are coalesced into one read.</summary>
    public TimeSpan MinUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public IEnumerable<string> Problems()
    {
        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval > TimeSpan.FromSeconds(15)) yield return "HeartbeatInterval must be between 0 and 15 s";
        if (MinUpdateInterval < TimeSpan.Zero || MinUpdateInterval >= HeartbeatInterval) yield return "MinUpdateInterval must be shorter than HeartbeatInterval";
    }
}
