using Coravel;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Lanes;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Engine.Progress;
using Pos.Grpc.Host.Features.Imports;
using Pos.Grpc.Host.Features.WeeklyBalance.AutoConfirm;
using Pos.Grpc.Host.Infrastructure.Notifications;

namespace Pos.Grpc.Host;

/// <summary>The import engine (its store, lanes, night) and the Coravel schedules (the night and auto-confirm).</summary>
public static class EngineExtensions
{
    public const string SchedulerEnabledKey = "Scheduler:Enabled";

    public static WebApplicationBuilder AddPosEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<EngineOptions>(EngineOptions.Section, o => o.Problems());
        services.AddValidatedOptions<NightlyOptions>(NightlyOptions.Section, o => o.Problems());
        services.AddValidatedOptions<ImportWatchOptions>(ImportWatchOptions.Section, o => o.Problems());

        services.AddSingleton(sp => new EngineMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            () => sp.GetRequiredService<LaneScheduler>().RunningLaneCount));
        services.AddSingleton<ImportJobStore>();
        services.AddSingleton<DayValuesWriter>();
        // One LISTEN connection per instance, shared by every watcher, lane and the lane scheduler through the hub.
        services.AddSingleton<ImportProgressHub>();
        services.AddSingleton<INotificationHandler>(sp => sp.GetRequiredService<ImportProgressHub>());
        services.AddSingleton<EngineServices>();
        services.AddSingleton<LaneScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<LaneScheduler>());

        // Registered even with the scheduler off: tests (and operators) can run them directly.
        services.AddScoped<NightlyPlanner>();
        services.AddTransient<NightlyImportInvocable>();
        services.AddScoped<AutoConfirmer>();
        services.AddTransient<AutoConfirmInvocable>();
        if (IsSchedulerEnabled(builder.Configuration)) services.AddScheduler();
        return builder;
    }

    /// <summary>
    /// The schedules, zoned to Copenhagen. Coravel's overlap prevention is per process only; "one job per client
    /// per day" and "auto-confirm once a day" come from PostgreSQL (see the planner and the confirmer).
    /// </summary>
    public static WebApplication UsePosSchedules(this WebApplication app)
    {
        if (!IsSchedulerEnabled(app.Configuration)) return app;
        var zone = TimeZones.Find(NightlyPlanner.ScheduleTimeZone);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EngineExtensions));
        app.Services.UseScheduler(scheduler =>
        {
            scheduler.Schedule<NightlyImportInvocable>().DailyAt(NightlyPlanner.DailyAt.Hour, NightlyPlanner.DailyAt.Minute)
                .Zoned(zone).PreventOverlapping(nameof(NightlyImportInvocable));
            // Catch-up: an instance that was down at 02:00 creates the missing jobs at start-up or within minutes.
            scheduler.Schedule<NightlyImportInvocable>().EveryFiveMinutes().Zoned(zone).RunOnceAtStart().PreventOverlapping(nameof(NightlyImportInvocable));
            // Each client's confirm_days_at is in its own zone; checking every five minutes finds each one due.
            scheduler.Schedule<AutoConfirmInvocable>().EveryFiveMinutes().Zoned(zone).PreventOverlapping(nameof(AutoConfirmInvocable));
        }).OnError(exception => logger.LogError(exception, "A scheduled task failed"));
        return app;
    }

    private static bool IsSchedulerEnabled(IConfiguration configuration) => configuration.GetValue(SchedulerEnabledKey, true);
}
