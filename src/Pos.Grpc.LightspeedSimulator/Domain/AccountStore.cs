using System.Collections.Concurrent;

namespace Pos.Grpc.LightspeedSimulator.Domain;

/// <summary>The simulator's accounts, replaceable at run time through the admin API.</summary>
public sealed class AccountStore
{
    private readonly ConcurrentDictionary<long, SimAccount> _accounts = new();

    public AccountStore(SimulatorOptions options)
    {
        if (!options.SeedDefaultAccounts) return;
        foreach (var account in DefaultAccounts(options)) Put(account);
    }

    public SimAccount? Find(long accountId) => _accounts.TryGetValue(accountId, out var a) ? a : null;

    public IEnumerable<SimAccount> All => _accounts.Values.OrderBy(a => a.AccountId);

    public void Put(SimAccount account) => _accounts[account.AccountId] = account;

    /// <summary>Removes an account; its tokens then answer 401 (as for a closed Lightspeed account).</summary>
    public bool Remove(long accountId) => _accounts.TryRemove(accountId, out _);

    /// <summary>Three demo accounts: Danish (two shops), American (two zones), British (one register).</summary>
    private static IEnumerable<SimAccount> DefaultAccounts(SimulatorOptions options)
    {
        yield return new SimAccount
        {
            AccountId = 120645, Name = "Kit Kraft Copenhagen", SalesPerShopPerDay = options.SalesPerShopPerDay, Seed = 1,
            Shops =
            [
                new SimShop(1, "Strøget", "Europe/Copenhagen", 0.25m, 0m,
                    [new SimRegister(1, "Kasse 1"), new SimRegister(2, "Kasse 2"), new SimRegister(9, "Gammel kasse", Archived: true)]),
                new SimShop(2, "Aarhus", "Europe/Copenhagen", 0.25m, 0m, [new SimRegister(3, "Kasse 1")]),
            ],
        };
        yield return new SimAccount
        {
            AccountId = 182255, Name = "Pacific Outfitters", SalesPerShopPerDay = options.SalesPerShopPerDay, Seed = 2,
            Shops =
            [
                new SimShop(1, "Seattle", "US/Pacific", 0.065m, 0.0375m,
                    [new SimRegister(1, "Register 1"), new SimRegister(2, "Register 2"), new SimRegister(3, "Register 3")]),
                new SimShop(2, "Chicago", "US/Central", 0.0625m, 0.0375m, [new SimRegister(4, "Register 1")]),
            ],
        };
        yield return new SimAccount
        {
            AccountId = 83050, Name = "Small Shop London", SalesPerShopPerDay = options.SalesPerShopPerDay, Seed = 3,
            Shops = [new SimShop(1, "Camden", "Europe/London", 0.2m, 0m, [new SimRegister(1, "Till")])],
        };
    }
}
