using Pos.Grpc.Benchmarks;

// Import engine benchmarks: each subcommand starts what it needs (PostgreSQL, the Lightspeed simulator, the host as
// its own process), measures, and prints a markdown table with its ratios. Nothing here asserts anything.
//   dotnet run -c Release --project tests/Pos.Grpc.Benchmarks -- <subcommand> [options]
var options = new Options(args);
Bench.Verbose = options.Flag("--verbose");
Console.Error.WriteLine($"Pos.Grpc.Benchmarks {options}");
switch (options.Command)
{
    case "import-throughput": await ImportThroughput.RunAsync(options); break;
    case "import-memory": await ImportMemory.RunAsync(options); break;
    case "pacing": await Pacing.RunAsync(options); break;
    case "watch-streams": await WatchStreams.RunAsync(options); break;
    case "year-scale": await YearScale.RunAsync(options); break;
    case "fleet-nightly": await FleetNightly.RunAsync(options); break;
    case "request-floor": await RequestFloor.RunAsync(options); break;
    case "rpc-caller": await RpcCaller.RunAsync(options); break;
    default:
        Console.Error.WriteLine("""
            Subcommands (options with their defaults):
              import-throughput  --days 120 --accounts 2 --shops 2 --registers 2 --sales 400
              import-memory      --small-days 20 --large-days 200 --sales 2500 --accounts 2
              pacing             --days 40 --sales 1500 --time-scale 20 --registers 2
              watch-streams      --streams 1000 --days 400 --time-scale 8
              year-scale         --days 365 --departments 20 --accounts 5 --registers 2 --sales 40 [--time-scale auto|N]
              fleet-nightly      --clients 2000 --departments 10000 --chains 3 --latency-ms 250 --changed-accounts 40 [--chain-sales N] [--one-instance]
              request-floor      --days 365 --sizes 20,300,3000 --time-scale 50
              rpc-caller         (started by fleet-nightly: --grpc-port N --grpc-web-port N --client N [--untimed-first])
            """);
        return 2;
}
return 0;
