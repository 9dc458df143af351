namespace Pos.Grpc.Host.Engine.Nightly;

/// <summary>The night and auto-confirm (section "Imports:Schedule").</summary>
public sealed class NightlyOptions
{
    public const string Section = "Imports:Schedule";

    /// <summary>
    /// Days before yesterday that stay open to late changes (refunds, voids): the night reads those that changed, and
    /// auto-confirm looks at them. Yesterday itself is always in.
    /// </summary>
    public int TrailingDays { get; set; } = 7;

    public IEnumerable<string> Problems()
    {
        if (TrailingDays is < 0 or > 60) yield return "TrailingDays must be 0-60";
    }
}
