using System.Diagnostics;
using Microsoft.Extensions.Options;
using Pos.Grpc.Host.Features.LightspeedAuth.Connectors;
using Pos.Grpc.Host.Infrastructure.Errors;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Providers;
using Pos.Grpc.Host.Infrastructure.RateLimiting;
using Pos.Grpc.Providers;

namespace Pos.Grpc.Host.Features.LightspeedAuth;

public sealed class RegisterListingOptions
{
    public const string Section = "RegisterListing";

    /// <summary>How long an account's shops and registers, once read from Lightspeed, answer every listing of the connection.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The server's deadline for one listing: Lightspeed slower than this answers DEADLINE_EXCEEDED.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Listings one caller may have in flight at once.</summary>
    public int InFlightPerCaller { get; set; } = 2;

    public IEnumerable<string> Problems()
    {
        if (CacheLifetime < TimeSpan.Zero) yield return "CacheLifetime must not be negative";
        if (Deadline <= TimeSpan.Zero) yield return "Deadline must be positive";
        if (InFlightPerCaller < 1) yield return "InFlightPerCaller must be positive";
    }
}

/// <summary>The registers of a connection's accounts, whichever POS (<see cref="ILightspeedConnector.ReadRegistersAsync"/>).</summary>
public sealed record AccountLayout(IReadOnlyList<ListedRegister> Registers);

/// <summary>
/// The registers of each connection's Lightspeed accounts, for ListLightspeedRegisters (R-Series: shops and registers,
/// two requests; K-Series: the devices of each location's recent sales, a few pages). Every read goes through the
/// account's pacing, which the account's imports use too: read-only callers must not
/// be able to hold them up (100 listings in flight made a 7-day import take 60 s instead of under 1 s). So an account
/// is read at most once per <see cref="RegisterListingOptions.CacheLifetime"/> per connection and accounts asked for (a change to the
/// connection, such as a renewed authorisation, reads it afresh), listings arriving meanwhile share that read, a caller
/// has at most <see cref="RegisterListingOptions.InFlightPerCaller"/> listings in flight, and a listing gives up after
/// <see cref="RegisterListingOptions.Deadline"/>.
/// </summary>
public sealed class AccountLayouts(LightspeedConnectors connectors, ConnectionDirectory connections, IOptions<RegisterListingOptions> options)
{
    private sealed record Read(DateTimeOffset ConnectionVersion, long StartedAt, Task<AccountLayout> Layout);

    private readonly RegisterListingOptions _options = options.Value;
    private readonly InFlightLimiter _inFlight = new(options.Value.InFlightPerCaller, int.MaxValue);
    private readonly Lock _lock = new();
    private readonly Dictionary<(Guid Connection, string Accounts), Read> _reads = [];

    /// <param name="accounts">The connection's accounts to list (all of them, or the one asked for).</param>
    public async Task<AccountLayout> GetAsync(LightspeedConnectionEntity connection, IReadOnlyList<LightspeedConnectionAccountEntity> accounts,
        string caller, CancellationToken cancellationToken)
    {
        if (_inFlight.TryEnter(caller) is { } reached)
            throw new InFlightLimitException("TOO_MANY_LISTINGS", "register listings", reached.Scope, reached.Limit);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Deadline);
        try
        {
            return await ReadOf(connection, accounts).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DeadlineExceededException("LIGHTSPEED_TIMEOUT",
                $"Lightspeed did not list the account's registers within {_options.Deadline.TotalSeconds:0} s. Try again later.");
        }
        finally
        {
            _inFlight.Exit(caller);
        }
    }

    /// <summary>The read in flight or fresh for this version of the connection, or a new one; failed reads are not kept.</summary>
    private Task<AccountLayout> ReadOf(LightspeedConnectionEntity connection, IReadOnlyList<LightspeedConnectionAccountEntity> accounts)
    {
        var key = (connection.Id, string.Join(",", accounts.Select(a => a.AccountId)));
        lock (_lock)
        {
            if (_reads.TryGetValue(key, out var read) && read.ConnectionVersion == connection.UpdatedAt
                && (!read.Layout.IsCompleted || Stopwatch.GetElapsedTime(read.StartedAt) < _options.CacheLifetime))
                return read.Layout;
            foreach (var stale in _reads.Where(r => r.Value.Layout.IsCompleted && Stopwatch.GetElapsedTime(r.Value.StartedAt) >= _options.CacheLifetime).ToList())
                _reads.Remove(stale.Key);
            read = new Read(connection.UpdatedAt, Stopwatch.GetTimestamp(), ReadAccountAsync(connection, accounts));
            _reads[key] = read;
            _ = read.Layout.ContinueWith(_ => Forget(key, read), TaskContinuationOptions.NotOnRanToCompletion);
            return read.Layout;
        }
    }

    private void Forget((Guid, string) key, Read failed)
    {
        lock (_lock)
        {
            if (_reads.TryGetValue(key, out var current) && current == failed) _reads.Remove(key);
        }
    }

    /// <summary>Shared by every listing that waits for it, so it runs on its own deadline, not on one caller's.</summary>
    private async Task<AccountLayout> ReadAccountAsync(LightspeedConnectionEntity connection, IReadOnlyList<LightspeedConnectionAccountEntity> accounts)
    {
        await Task.Yield(); // outside the lock
        using var deadline = new CancellationTokenSource(_options.Deadline);
        try
        {
            return new AccountLayout(await connectors.For(connection).ReadRegistersAsync(connection, accounts, deadline.Token));
        }
        catch (PosProviderException ex) when (ex.NeedsReauthorization)
        {
            await connections.MarkReauthorizationRequiredAsync(connection.Id, ex.Message);
            throw new PreconditionFailedException("LIGHTSPEED_REAUTHORIZATION_REQUIRED", "CONNECTION_STATE", $"connections/{connection.Id}",
                "Lightspeed no longer accepts this connection's authorisation: the client must authorise SameSystem again.");
        }
    }
}
