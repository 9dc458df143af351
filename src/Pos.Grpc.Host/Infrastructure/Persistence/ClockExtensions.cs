namespace Pos.Grpc.Host.Infrastructure.Persistence;

public static class ClockExtensions
{
    /// <summary>Now, truncated to PostgreSQL's microsecond precision, so what a response shows equals what a later read returns.</summary>
    public static DateTimeOffset GetStorableUtcNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }
}
