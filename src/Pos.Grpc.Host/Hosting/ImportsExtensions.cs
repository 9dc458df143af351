using Coravel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Features.Imports;
using Pos.Grpc.Host.Features.Imports.Engine;
using Pos.Grpc.Host.Features.Imports.Jobs;
using Pos.Grpc.Host.Features.Imports.Numbers;
using Pos.Grpc.Host.Features.Imports.Progress;
using Pos.Grpc.Host.Features.Imports.Scheduling;
using Pos.Grpc.Host.Features.WeeklyBalance.AutoConfirm;
using Pos.Grpc.Host.Features.Imports.Service;
using Pos.Grpc.Host.Features.Imports.Workers;
using Pos.Grpc.Host.Infrastructure.Notifications;

namespace Pos.Grpc.Host;

/// <summary>The import engine: job RPC helpers, the progress listener, the workers and the Coravel schedules.</summary>
public static class ImportsExtensions
{
    public const string SchedulerEnabledKey = "Scheduler:Enabled";

    public static WebApplicationBuilder AddPosImports(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        AddValidatedOptions<ImportWorkerOptions>(services, ImportWorkerOptions.Section, o => o.Problems());
        AddValidatedOptions<ImportWatchOptions>(services, ImportWatchOptions.Section, o => o.Problems());
        AddValidatedOptions<ImportScheduleOptions>(services, ImportScheduleOptions.Section, o => o.Problems());

        services.AddScoped<ImportJobReader>();
        services.AddScoped<ImportJobStarter>();
        services.AddScoped<ImportJobWatcher>();
        // One read of a job per change, shared by every stream watching it.
        services.AddSingleton<ImportJobSnapshots>();

        // One LISTEN connection per instance, shared by every watcher and idle worker through the hub.
        services.AddSingleton<ImportProgressHub>();
        services.AddSingleton<INotificationHandler>(sp => sp.GetRequiredService<ImportProgressHub>());

        services.AddSingleton<ImportLeases>();
        services.AddSingleton<ImportJobRunner>();
        services.AddHostedService<ImportWorker>();
        // The department-day importer: POS sales (Lightspeed's, see AddPosLightspeed) aggregated into weekly-balance values.
        services.AddImportNumbers();

        // Registered even with the scheduler off: tests (and operators) can run them directly.
        services.AddScoped<ScheduledImportPlanner>();
        services.AddScoped<AutoConfirmer>();
        services.AddTransient<DailyImportInvocable>();
        services.AddTransient<AutoConfirmInvocable>();
        if (IsSchedulerEnabled(builder.Configuration)) services.AddScheduler();
        return builder;
    }

    /// <summary>
    /// The schedules, zoned to Copenhagen. Coravel's overlap prevention is per process only; "one job per client
    /// per day" and "auto-confirm once a day" come from PostgreSQL (see the planner and the confirmer).
    /// </summary>
    public static WebApplication UsePosImportSchedules(this WebApplication app)
    {
        if (!IsSchedulerEnabled(app.Configuration)) return app;
        var zone = TimeZones.Find(ScheduledImportPlanner.ScheduleTimeZone);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ImportsExtensions));
        app.Services.UseScheduler(scheduler =>
        {
            scheduler.Schedule<DailyImportInvocable>().DailyAt(ScheduledImportPlanner.DailyAt.Hour, ScheduledImportPlanner.DailyAt.Minute)
                .Zoned(zone).PreventOverlapping(nameof(DailyImportInvocable));
            // Catch-up: an instance that was down at 02:00 creates the missing jobs at start-up or within minutes.
            scheduler.Schedule<DailyImportInvocable>().EveryFiveMinutes().Zoned(zone).RunOnceAtStart().PreventOverlapping(nameof(DailyImportInvocable));
            // Each client's confirm_days_at is in its own zone; checking every five minutes finds each one due.
            scheduler.Schedule<AutoConfirmInvocable>().EveryFiveMinutes().Zoned(zone).PreventOverlapping(nameof(AutoConfirmInvocable));
        }).OnError(exception => logger.LogError(exception, "A scheduled import task failed"));
        return app;
    }

    private static bool IsSchedulerEnabled(IConfiguration configuration) => configuration.GetValue(SchedulerEnabledKey, true);

    private static void AddValidatedOptions<TOptions>(IServiceCollection services, string section, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new ProblemsValidator<TOptions>(section, problems));
    }

    /// <summary>Fails start-up naming every bad value of the section.</summary>
    private sealed class ProblemsValidator<TOptions>(string section, Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = problems(options).Select(p => $"{section}: {p}").ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
