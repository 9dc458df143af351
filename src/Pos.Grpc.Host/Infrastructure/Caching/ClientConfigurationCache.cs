using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Notifications;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Host.Infrastructure.Persistence;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Caching;

/// <summary>
/// A client's configuration as read by hot paths: settings, departments with registers, weekly-balance
/// fields. Loaded without tracking and never handed to a write path, so it is safe to share.
/// </summary>
/// <param name="AccountZones">The zone the POS gives each account (K-Series business locations), the departments' default.</param>
public sealed record ClientConfiguration(
    GeneralSettingsEntity Settings,
    IReadOnlyList<DepartmentEntity> Departments,
    IReadOnlyList<WeeklyBalanceFieldEntity> Fields,
    IReadOnlyDictionary<string, string> AccountZones,
    DateTimeOffset LoadedAt)
{
    /// <summary>The zone a department's local days are in (<see cref="TimeZones.ForDepartment"/>).</summary>
    public TimeZoneInfo ZoneOf(DepartmentEntity department) =>
        TimeZones.ForDepartment(department.TimeZone, AccountZones.GetValueOrDefault(department.PosClientNumber ?? ""), Settings.TimeZone);
}

/// <summary>
/// Keeps each client's configuration in memory, because reads of it (settings, department and field lists)
/// are by far the most frequent calls and change rarely. Every write publishes a change
/// (<see cref="ClientConfigurationChanges"/>): this instance drops the entry at once, every other instance
/// when the PostgreSQL notification reaches it (<see cref="PostgresNotificationListener"/>). A time-to-live bounds
/// staleness should a notification ever be missed; everything is dropped whenever the listener reconnects.
/// </summary>
public sealed class ClientConfigurationCache(IServiceScopeFactory scopes, TimeProvider clock) : INotificationHandler
{
    public IReadOnlyList<string> Channels { get; } = [ClientConfigurationChanges.Channel];

    public void OnNotification(string channel, string payload)
    {
        if (long.TryParse(payload, out var clientId)) Invalidate(clientId);
    }

    /// <summary>Changes announced while the listener was away are unknown: forget everything.</summary>
    public void OnListening() => Clear();

    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<long, Lazy<Task<ClientConfiguration>>> _entries = new();

    public async Task<ClientConfiguration> GetAsync(long clientId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(clientId, id => new Lazy<Task<ClientConfiguration>>(() => LoadAsync(id)));
            ClientConfiguration configuration;
            try
            {
                // One load per client however many callers wait; a caller that gives up does not cancel it for the others.
                configuration = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(KeyValuePair.Create(clientId, entry));
                throw;
            }
            if (clock.GetUtcNow() - configuration.LoadedAt < TimeToLive) return configuration;
            _entries.TryRemove(KeyValuePair.Create(clientId, entry));
        }
    }

    public void Invalidate(long clientId) => _entries.TryRemove(clientId, out _);

    public void Clear() => _entries.Clear();

    private async Task<ClientConfiguration> LoadAsync(long clientId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PosDbContext>();
        var loadedAt = clock.GetUtcNow();
        var settings = await db.GeneralSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClientId == clientId, timeout.Token)
            ?? GeneralSettingsEntity.DefaultsFor(clientId);
        var departments = await db.Departments.AsNoTracking().Where(d => d.ClientId == clientId)
            .Include(d => d.Registers.OrderBy(r => r.RegisterNumber)).OrderBy(d => d.Id).ToListAsync(timeout.Token);
        var fields = await db.WeeklyBalanceFields.AsNoTracking().Where(f => f.ClientId == clientId).OrderBy(f => f.Id).ToListAsync(timeout.Token);
        var zones = await ConnectionDirectory.AccountZonesAsync(db, clientId, timeout.Token);
        return new ClientConfiguration(settings, departments, fields, zones, loadedAt);
    }
}
