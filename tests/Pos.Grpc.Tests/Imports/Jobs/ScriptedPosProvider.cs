using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Providers;
using System.Globalization;

namespace Pos.Grpc.Tests.Imports.Jobs;

/// <summary>
/// Stands in for Lightspeed R-Series in the engine's tests: every account sells <see cref="SalesPerDay"/> sales on each
/// Copenhagen day at 12:00, summing to <see cref="ValueOf"/>, and a read yields one page per such day (costing
/// <see cref="RequestsPerPage"/> requests and 5 ms of rate-limit wait). Per account the reads can be made slow, fail
/// (transiently a number of times, or permanently), or block before a chosen day's page until the test releases them;
/// how often each day's page was read is counted. The real aggregation, checkpoint and writer do the rest. Tests use
/// their own accounts, so one instance serves every test of a host.
/// </summary>
public sealed class ScriptedPosProvider : IPosProvider
{
    public const int SalesPerDay = 10;
    public const int RequestsPerPage = 2;

    private static readonly TimeZoneInfo Copenhagen = TimeZones.Find("Europe/Copenhagen");
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new();
    private readonly ConcurrentDictionary<(string, DateOnly), int> _reads = new();

    public PosSystem System => PosSystem.LightspeedRSeries;

    public IReadOnlySet<PosNumber> ProvidedNumbers { get; } = Enum.GetValues<PosNumber>().Where(n => n != PosNumber.Visitors).ToHashSet();

    public bool HasChangeCursor => false;

    /// <summary>The gross sales of an account's day: distinct per account and day.</summary>
    public static decimal ValueOf(string account, DateOnly date) => long.Parse(account, CultureInfo.InvariantCulture) % 1000 * 1000 + date.DayOfYear + 0.25m;

    public Behaviour For(string account) => _behaviours.GetOrAdd(account, _ => new Behaviour());

    /// <summary>How often the page of an account's day was read (a failed read counts for the day it failed on).</summary>
    public int Reads(string account, DateOnly date) => _reads.GetValueOrDefault((account, date));

    public int ParallelReads(PosAccount account) => 1;

    public Task<ChangedSales> FindChangedSalesAsync(ChangeProbe probe, CancellationToken cancellationToken) => throw new NotSupportedException();

    public async IAsyncEnumerable<SalesPage> ReadSalesAsync(SalesRead read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var account = read.Connection.Account.AccountId;
        var behaviour = For(account);
        for (var date = TimeZones.LocalDateOf(read.FromUtc, Copenhagen); TimeZones.StartOfDayUtc(date, Copenhagen) < read.UntilUtc; date = date.AddDays(1))
        {
            var local = date.ToDateTime(new TimeOnly(12, 0));
            var noon = new DateTimeOffset(local, Copenhagen.GetUtcOffset(local)).ToUniversalTime();
            if (noon < read.FromUtc || noon >= read.UntilUtc) continue;
            _reads.AddOrUpdate((account, date), 1, (_, n) => n + 1);
            if (behaviour.GateOf(date) is { } gate)
            {
                gate.Entered.TrySetResult();
                await gate.Released.Task.WaitAsync(cancellationToken);
            }
            if (behaviour.Delay > TimeSpan.Zero) await Task.Delay(behaviour.Delay, cancellationToken);
            if (behaviour.FailsOn(date) is { } failure) throw failure;
            var each = ValueOf(account, date) / SalesPerDay;
            var sales = Enumerable.Range(0, SalesPerDay)
                .Select(i => new PosSale(noon.AddSeconds(i), "", behaviour.Register, PosSaleKind.Sale, 0, [new PosSaleLine(1, each, each, 0)]))
                .ToList();
            yield return new SalesPage(sales, SalesPerDay, new Dictionary<string, int>(), sales[^1].Time,
                new RequestCost(RequestsPerPage, TimeSpan.FromMilliseconds(5)));
        }
    }

    /// <summary>What one account's reads do.</summary>
    public sealed class Behaviour
    {
        private readonly ConcurrentDictionary<DateOnly, Gate> _gates = new();
        private int _transientFailures;
        private DateOnly _transientFrom;

        /// <summary>The register the account's sales are rung up on.</summary>
        public string Register { get; set; } = "1";

        public TimeSpan Delay { get; set; }

        /// <summary>Every read fails permanently with this reason (at its first page).</summary>
        public string? PermanentFailure { get; set; }

        /// <summary>The next <paramref name="times"/> reads fail transiently when they reach the page of <paramref name="from"/> or later.</summary>
        public void FailTransiently(int times, DateOnly from = default)
        {
            _transientFrom = from;
            Interlocked.Exchange(ref _transientFailures, times);
        }

        /// <summary>The read waits before the day's page until the gate is released (or the read is cancelled).</summary>
        public Gate BlockOn(DateOnly date) => _gates.GetOrAdd(date, _ => new Gate());

        internal Gate? GateOf(DateOnly date) => _gates.GetValueOrDefault(date);

        internal PosProviderException? FailsOn(DateOnly date)
        {
            if (PermanentFailure is { } reason) return new PosProviderException(reason, $"Test failure of the account ({reason}).", permanent: true);
            if (date >= _transientFrom && Take(ref _transientFailures)) return new PosProviderException("TEST_TRANSIENT", "Test hiccup.", permanent: false);
            return null;
        }

        private static bool Take(ref int counter)
        {
            while (true)
            {
                var left = Volatile.Read(ref counter);
                if (left <= 0) return false;
                if (Interlocked.CompareExchange(ref counter, left - 1, left) == left) return true;
            }
        }
    }

    public sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
