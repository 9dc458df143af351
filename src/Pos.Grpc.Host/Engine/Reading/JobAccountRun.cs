using System.Threading.Channels;
using Npgsql;
using Pos.Grpc.Contracts.FieldMapping.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Engine.Days;
using Pos.Grpc.Host.Engine.Jobs;
using Pos.Grpc.Host.Engine.Lanes;
using Pos.Grpc.Host.Engine.Nightly;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Engine.Reading;

/// <summary>
/// One job's work on one POS account, run by the account's lane: the night's change probe if it has one, then ONE
/// stream of the account's sales over the job's pending days, sorted by time, filtered to the job's departments on
/// the account (or several streams over parts of the range at once, for a big account whose rate limit one stream
/// cannot use), each department-day checkpointed as the stream passes its end. A crash or a failed read leaves the
/// unread days pending; the next run reads from the first of them.
/// </summary>
public sealed class JobAccountRun(JobAccountWork work, PosAccount account, EngineServices services, LaneTokens tokens)
{
    /// <summary>A read splits only into parts expected to hold at least this many pages: each part costs one page more at most.</summary>
    private const int MinPagesPerPart = 10;

    /// <summary>A page this full suggests the range holds many more (Lightspeed's pages hold 100 sales).</summary>
    private const int FullPage = 90;

    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(tokens.Reading);
    private readonly Channel<LaneWrite> _writes = Channel.CreateBounded<LaneWrite>(new BoundedChannelOptions(64) { SingleReader = true });
    private readonly CounterAccumulator _counters = new();
    private PosProviderException? _fatal;

    private LaneJob Job => work.Job;
    private ImportJobStore Store => services.Store;
    private bool Scheduled => Job.IsScheduled;
    private RequestPriority Priority => Scheduled ? RequestPriority.Scheduled : RequestPriority.Manual;

    public async Task RunAsync()
    {
        using var stop = _stop;
        using var span = EngineMetrics.StartRun(Job, work.AccountKey);
        using var scope = services.Logger.BeginScope(new Dictionary<string, object>
        {
            ["JobId"] = Job.Id, ["ClientId"] = Job.ClientId, ["Account"] = work.AccountKey,
            ["DepartmentIds"] = work.Days.Select(d => d.DepartmentId).Distinct().Order().ToArray(),
        });
        var writer = WriteAsync();
        try
        {
            await ReadAsync();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutdown, a lost lane or an ended job: what was not read stays pending for whoever goes on.
        }
        catch (Exception ex) when (IsDatabaseOutage(ex))
        {
            services.Logger.LogWarning("Import job {JobId}: account {Account} waits for the database ({Message}); its days stay pending", Job.Id, account, ex.Message);
        }
        catch (Exception ex)
        {
            services.Logger.LogError(ex, "Import job {JobId}: account {Account} stopped unexpectedly; its days stay pending", Job.Id, account);
        }
        finally
        {
            _writes.Writer.TryComplete();
            await writer;
        }
    }

    private async Task ReadAsync()
    {
        await Store.MarkRunningAsync(Job.Id, tokens.Writing);
        var now = services.Clock.GetUtcNow();
        var due = work.Days.Where(d => d.NotBefore is null || d.NotBefore <= now).ToList();
        if (services.Providers.Find(account.System) is not { } provider)
        {
            await FailAllAsync(due, new PosProviderException("POS_NOT_SUPPORTED", $"This host does not speak {account.System}.", permanent: true));
            return;
        }
        var (connection, missing) = await services.InEngineShareAsync(
            () => services.Connections.FindActiveAsync(Job.ClientId, account, _stop.Token), _stop.Token);
        if (connection is null)
        {
            await FailAllAsync(due, missing!);
            return;
        }

        var configuration = await services.InEngineShareAsync(
            () => services.Configurations.GetAsync(Job.ClientId, _stop.Token), _stop.Token);
        var (departments, unreadable) = Departments(configuration, due);
        foreach (var failure in unreadable) await EnqueueAsync(failure);
        var router = new SaleRouter(departments);
        var readable = due.Where(d => departments.Any(x => x.Id == d.DepartmentId)).ToList();
        var (fields, _) = MappedFields.Classify(configuration.Fields, type => services.Providers.Provides(configuration.Settings.PosIntegrationService, type));

        if (Scheduled) await Store.BeginReadingAsync(Job.Id, work.AccountKey, now - NightlyWindow.WatermarkMargin, tokens.Writing);
        if (work.Probe is { } probe && (probe.NotBefore is null || probe.NotBefore <= now))
            readable.AddRange(await ProbeAsync(provider, connection, router, probe, readable));
        if (readable.Count == 0) return;

        var book = new DayBook(router, readable, configuration.Settings.AmountsIncludeTax);
        await ReadDaysAsync(provider, connection, book, fields);
    }

    /// <summary>
    /// The departments of the job's days on this account as they are configured now. A department that was deleted, or
    /// whose POS client number no longer names this account, cannot be read here: its days fail with that reason.
    /// </summary>
    private (IReadOnlyList<ReadDepartment> Readable, IReadOnlyList<LaneWrite> Failures) Departments(
        Infrastructure.Caching.ClientConfiguration configuration, IReadOnlyList<PendingDay> days)
    {
        var readable = new List<ReadDepartment>();
        var failures = new List<LaneWrite>();
        foreach (var group in days.GroupBy(d => d.DepartmentId))
        {
            var department = configuration.Departments.FirstOrDefault(d => d.Id == group.Key);
            var problem = department is null
                ? new PosProviderException("DEPARTMENT_DELETED", $"Department {group.Key} was deleted after the job was created.", permanent: true)
                : department.PosClientNumber != account.AccountId
                    ? new PosProviderException("DEPARTMENT_NOT_CONFIGURED",
                        $"Department {group.Key} no longer has POS client number {account.AccountId}; import it again to read its new account.", permanent: true)
                    : null;
            if (problem is null) readable.Add(new ReadDepartment(department!, configuration.ZoneOf(department!)));
            else failures.Add(new LaneWrite.Failed(group.ToList(), problem));
        }
        return (readable, failures);
    }

    /// <summary>
    /// The night's question to the POS: which of the trailing days changed since the account's watermark (a sale voided
    /// or edited later)? Those days become units of the job and are read again in full; the others keep their numbers.
    /// </summary>
    private async Task<IReadOnlyList<PendingDay>> ProbeAsync(IPosProvider provider, PosConnection connection, SaleRouter router,
        ProbeWork probe, IReadOnlyList<PendingDay> pending)
    {
        var watermark = await Store.WatermarkAsync(Job.ClientId, work.AccountKey, _stop.Token);
        var windows = router.Departments.ToDictionary(d => d.Id, d => NightlyWindow.At(Job.CreatedAt, d.Zone, services.NightlyOptions.TrailingDays));
        var changed = new List<(long DepartmentId, DateOnly Date)>();
        var counters = JobCounters.None;
        if (watermark is { } changedAfter && provider.HasChangeCursor && windows.Count > 0)
        {
            var from = router.Departments.Min(d => d.WindowOf(windows[d.Id].TrailingFrom).Start);
            var until = router.Departments.Max(d => d.WindowOf(windows[d.Id].Yesterday).Start);
            try
            {
                var found = await provider.FindChangedSalesAsync(
                    new ChangeProbe(connection, router.Scope(), from, until, changedAfter, Priority) { Admission = Admission(() => pending.Count) }, _stop.Token);
                counters = new JobCounters(found.Cost.Requests, found.Cost.RateLimitWait, new Dictionary<string, int>());
                var already = pending.Select(d => (d.DepartmentId, d.Date)).ToHashSet();
                foreach (var sale in found.Sales)
                {
                    var (department, _) = router.Route(sale.ShopId, sale.RegisterId);
                    if (department is null) continue;
                    var date = TimeZones.LocalDateOf(sale.Time, department.Zone);
                    var window = windows[department.Id];
                    if (date >= window.TrailingFrom && date < window.Yesterday && already.Add((department.Id, date))) changed.Add((department.Id, date));
                }
            }
            catch (PosProviderException e)
            {
                await NoteReauthorizationAsync(connection, e);
                services.Logger.LogWarning("Import job {JobId}: the change probe of {Account} failed: {Reason}", Job.Id, account, e.Reason);
                await HandleAsync(await Store.ProbeFailedAsync(Job.Id, work.AccountKey, probe.Attempts, e.Reason, e.Message, e.Permanent, counters, tokens.Writing));
                if (e.Permanent) _fatal = e;
                return [];
            }
        }
        await HandleAsync(await Store.ProbeDoneAsync(Job.Id, work.AccountKey, changed, counters, tokens.Writing));
        if (changed.Count > 0)
            services.Logger.LogInformation("Import job {JobId}: {Changed} trailing department-days of {Account} changed since {Watermark}; reading them again",
                Job.Id, changed.Count, account, watermark);
        return changed.Select(c => new PendingDay(c.DepartmentId, c.Date, 0, null)).ToList();
    }

    /// <summary>
    /// Reads every range of the book: one stream per range, several at once when the account allows it, and for a
    /// manual job a range split into parts when its first page shows it holds many pages. A permanent failure stops
    /// every read of the run (the account cannot be read) and fails what is left; a transient one gives up its own
    /// range's days for a retry.
    /// </summary>
    private async Task ReadDaysAsync(IPosProvider provider, PosConnection connection, DayBook book, IReadOnlyList<MappedField> fields)
    {
        var reads = new ParallelReads(() => Math.Max(1, provider.ParallelReads(account)));
        foreach (var range in book.Ranges()) reads.Enqueue(book.Open(range.From, range.Until), ReadCoverAsync);
        reads.Seal();
        await reads.Completion;
        if (_fatal is { } fatal && book.AbandonAll() is { Count: > 0 } owed) await EnqueueAsync(new LaneWrite.Failed(owed, fatal));

        async Task ReadCoverAsync(DayBook.Cover cover)
        {
            try
            {
                var first = true;
                var read = new SalesRead(connection, SaleRouter.ScopeOf(book.DepartmentsOf(cover)), cover.From, cover.Until, Priority)
                {
                    Admission = Admission(() => book.OpenDays),
                };
                await foreach (var page in provider.ReadSalesAsync(read, _stop.Token))
                {
                    _counters.Add(page);
                    foreach (var day in book.Add(cover, page)) await EnqueueAsync(new LaneWrite.Closed(day, fields));
                    // A split moved this read's end: the rest of the range is another read's.
                    if (page.ReadThrough >= cover.Until) break;
                    if (first && !Scheduled)
                        foreach (var part in SplitIfLarge(provider, book, cover, page, reads.Pending)) reads.Enqueue(part, ReadCoverAsync);
                    first = false;
                }
                foreach (var day in book.Finish(cover)) await EnqueueAsync(new LaneWrite.Closed(day, fields));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The run stops; the days of this read stay pending (or fail with the run's permanent error).
            }
            catch (PosProviderException e) when (!_stop.IsCancellationRequested)
            {
                await NoteReauthorizationAsync(connection, e);
                services.Logger.LogWarning(e, "Import job {JobId}: reading {Account} {From:o}..{Until:o} failed ({Reason}); its days {Outcome}",
                    Job.Id, account, cover.From, cover.Until, e.Reason, e.Permanent ? "fail" : "are retried");
                if (e.Permanent)
                {
                    // Every read of the account would fail the same way: stop them, and fail what is left once they stopped.
                    _fatal = e;
                    await _stop.CancelAsync();
                    return;
                }
                if (book.Abandon(cover) is { Count: > 0 } owed) await EnqueueAsync(new LaneWrite.Failed(owed, e));
            }
        }
    }

    /// <summary>
    /// A place among the instance's requests in flight (<see cref="EngineServices.Pages"/>): the night before manual
    /// imports, and within each the run with the most days left first, so the biggest accounts are not the last to end.
    /// </summary>
    private RequestAdmission Admission(Func<int> daysLeft) =>
        async cancellationToken => await services.Pages.EnterAsync(Priority, -daysLeft(), cancellationToken);

    /// <summary>
    /// After a manual read's first page: when the page was full and the pace of the account allows more reads at once,
    /// the rest of the range is cut into equal parts read side by side, each expected to hold at least
    /// <see cref="MinPagesPerPart"/> pages (so the split costs at most a tenth more requests than one stream would).
    /// </summary>
    private IReadOnlyList<DayBook.Cover> SplitIfLarge(IPosProvider provider, DayBook book, DayBook.Cover cover, SalesPage page, int otherReads)
    {
        if (page.SalesRead < FullPage || page.ReadThrough <= cover.From) return [];
        var free = provider.ParallelReads(account) - otherReads;
        if (free <= 1) return [];
        var perSecond = page.SalesRead / (page.ReadThrough - cover.From).TotalSeconds;
        var remaining = cover.Until - page.ReadThrough;
        var expectedPages = perSecond * remaining.TotalSeconds / 100;
        var parts = (int)Math.Min(free, Math.Floor(expectedPages / MinPagesPerPart));
        if (parts < 2) return [];
        var step = remaining / parts;
        // Cut from the far end, so the read in progress keeps the first part.
        var tails = new List<DayBook.Cover>();
        for (var i = parts - 1; i >= 1; i--)
            tails.Insert(0, book.Split(cover, TruncateToSecond(page.ReadThrough + step * i)));
        services.Logger.LogInformation("Import job {JobId}: {Account} {From:o}..{Until:o} read in {Parts} parts (about {Pages:0} pages)",
            Job.Id, account, cover.From, tails[^1].Until, parts, expectedPages);
        return tails;
    }

    /// <summary>POS times have whole seconds: a split on a whole second never falls between two sales of the same second.</summary>
    private static DateTimeOffset TruncateToSecond(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);

    private Task FailAllAsync(IReadOnlyList<PendingDay> days, PosProviderException reason) =>
        days.Count == 0 ? Task.CompletedTask : EnqueueAsync(new LaneWrite.Failed(days, reason)).AsTask();

    /// <summary>Hands a write to the run's writer; once the writer has stopped (lane lost, job ended), the read stops too.</summary>
    private async ValueTask EnqueueAsync(LaneWrite write)
    {
        try
        {
            await _writes.Writer.WriteAsync(write, tokens.Writing);
        }
        catch (ChannelClosedException)
        {
            throw new OperationCanceledException(_stop.Token);
        }
    }

    /// <summary>
    /// The run's writer: checkpoints and failures in the order the reads produced them, one at a time (the store's gate
    /// bounds how many the instance writes at once). A database outage is waited out without counting against the days;
    /// a lost lane or an ended job stops the whole run.
    /// </summary>
    private async Task WriteAsync()
    {
        try
        {
            await foreach (var write in _writes.Reader.ReadAllAsync(tokens.Writing))
            {
                // The counters are taken once: a write retried after a database outage carries the same ones.
                var counters = _counters.Take();
                Func<Task<CheckpointOutcome>> attempt = write switch
                {
                    LaneWrite.Closed closed => () => Store.CheckpointAsync(new DayCheckpoint(Job.Id, work.AccountKey,
                        new DayWrite(Job.ClientId, closed.Day.Day.DepartmentId, Job.Id, Job.CreatedBy, Job.OverwriteApproved, closed.Fields, closed.Day.Numbers),
                        closed.Day.Numbers.SalesRead, counters), tokens.Writing),
                    LaneWrite.Failed failed => () => Store.FailDaysAsync(new UnitFailure(Job.Id, work.AccountKey, failed.Days, failed.Reason.Reason,
                        failed.Reason.Message, failed.Reason.Permanent, counters), tokens.Writing),
                    _ => throw new InvalidOperationException(),
                };
                if (!await HandleAsync(await WithDatabaseRetriesAsync(attempt))) return;
            }
            if (_counters.Take() is { IsEmpty: false } rest)
                await HandleAsync(await WithDatabaseRetriesAsync(() => Store.AddCountersAsync(Job.Id, work.AccountKey, rest, tokens.Writing)));
        }
        catch (OperationCanceledException) when (tokens.Writing.IsCancellationRequested)
        {
            // Shutdown past its grace, or the lane was lost: what was read but not written is read again by whoever resumes.
        }
        finally
        {
            // Reads still running stop, and their writes find the writer gone.
            await _stop.CancelAsync();
            _writes.Writer.TryComplete();
            while (_writes.Reader.TryRead(out _)) { }
        }
    }

    /// <summary>False when the run must stop: the lane is someone else's now, or the job ended (cancelled).</summary>
    private async Task<bool> HandleAsync(CheckpointOutcome outcome)
    {
        if (outcome is CheckpointOutcome.Done or CheckpointOutcome.AlreadyDone) return true;
        if (outcome == CheckpointOutcome.LaneLost)
            services.Logger.LogWarning("Import job {JobId}: lane {Account} is no longer ours; another instance carries on", Job.Id, account);
        await _stop.CancelAsync();
        return false;
    }

    private async Task<CheckpointOutcome> WithDatabaseRetriesAsync(Func<Task<CheckpointOutcome>> write)
    {
        for (var outage = 0; ; outage++)
        {
            try
            {
                return await write();
            }
            catch (Exception e) when (IsDatabaseOutage(e) && !tokens.Writing.IsCancellationRequested)
            {
                // PostgreSQL failed, not the day: waiting uses none of the day's attempts. Meanwhile the lane's lease may
                // run out; then the write finds it lost and this run stops.
                services.Logger.LogWarning("Import job {JobId}: waiting for the database ({Message})", Job.Id, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(outage, 5))), tokens.Writing);
            }
        }
    }

    private async Task NoteReauthorizationAsync(PosConnection connection, PosProviderException e)
    {
        if (e.NeedsReauthorization && Guid.TryParse(connection.ConnectionKey, out var id))
            await services.Connections.MarkReauthorizationRequiredAsync(id, e.InnerException?.Message ?? e.Message);
    }

    /// <summary>
    /// PostgreSQL unreachable, restarting or refusing for now (Npgsql's transient failures, however EF wraps them):
    /// a retry can succeed. POS failures arrive as <see cref="PosProviderException"/> and are never this.
    /// </summary>
    internal static bool IsDatabaseOutage(Exception exception)
    {
        if (exception is PosProviderException) return false;
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is NpgsqlException { IsTransient: true }) return true;
        return false;
    }

    /// <summary>What the run hands its writer, in order.</summary>
    private abstract record LaneWrite
    {
        public sealed record Closed(ClosedDay Day, IReadOnlyList<MappedField> Fields) : LaneWrite;

        public sealed record Failed(IReadOnlyList<PendingDay> Days, PosProviderException Reason) : LaneWrite;
    }

    /// <summary>The reads' counters since the last write, taken by the write that carries them.</summary>
    private sealed class CounterAccumulator
    {
        private readonly Lock _lock = new();
        private int _requests;
        private TimeSpan _wait;
        private Dictionary<string, int> _skipped = [];

        public void Add(SalesPage page)
        {
            lock (_lock)
            {
                _requests += page.Cost.Requests;
                _wait += page.Cost.RateLimitWait;
                foreach (var (type, count) in page.Skipped) _skipped[type] = _skipped.GetValueOrDefault(type) + count;
            }
        }

        public JobCounters Take()
        {
            lock (_lock)
            {
                var taken = new JobCounters(_requests, _wait, _skipped);
                (_requests, _wait, _skipped) = (0, TimeSpan.Zero, []);
                return taken;
            }
        }
    }
}
