using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Pos.Grpc.Tests.WeeklyBalance;

/// <summary>
/// The host with a fixed clock, so "has the local day ended" is deterministic, and a count of the SQL
/// commands it runs, so a test can show reads do not grow with the data (no N+1). Now is Monday 2026-11-02
/// 03:00 UTC: 04:00 in Copenhagen (Sunday 1 November has ended there) but still Sunday 22:00 in New York.
/// </summary>
public sealed class WeeklyBalanceHostFixture : PosHostFixture
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);

    public SqlCommandCounter SqlCommands { get; } = new();

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        builder.Services.AddHttpContextAccessor();
        builder.Services.ConfigureDbContext<PosDbContext>((services, options) =>
        {
            SqlCommands.Requests ??= services.GetRequiredService<IHttpContextAccessor>();
            options.AddInterceptors(SqlCommands);
        });
    }

    /// <summary>
    /// A token valid both at the fixed clock and at the real time, whichever clock the bearer handler
    /// checks lifetimes against.
    /// </summary>
    public static new string Token(string role, long? clientId = null, long[]? departmentIds = null, string subject = "test-user")
    {
        var real = DateTime.UtcNow;
        var fixedNow = Now.UtcDateTime;
        var from = (real < fixedNow ? real : fixedNow).AddHours(-1);
        var until = (real > fixedNow ? real : fixedNow).AddHours(12);
        return DevelopmentTokenIssuer.Issue(Auth, subject, [role], clientId is { } c ? [c] : [], departmentIds, until - from, from);
    }

    public static new string Supervisor(long clientId) => Token(PosRoles.Supervisor, clientId, subject: $"supervisor-{clientId}");
}

/// <summary>
/// Counts the SQL commands the host sends; tests of one class run one at a time, so a reset-then-read is exact. With
/// <see cref="Requests"/> set, only commands sent while serving a request count: the host's background work (lanes,
/// schedules, cleanups, gauges) runs on its own clock and would fall into a window now and then.
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int _count;

    public IHttpContextAccessor? Requests { get; set; }

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    private void CountIfServingARequest()
    {
        if (Requests is null || Requests.HttpContext is not null) Interlocked.Increment(ref _count);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        CountIfServingARequest();
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        CountIfServingARequest();
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        CountIfServingARequest();
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}
