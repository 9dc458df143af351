// Pos.Grpc.Client example: reads a client's general settings, lists its departments and, when asked,
// starts an import and watches it to the end.
//
//   dotnet run --project clients/dotnet/Pos.Grpc.Client.Example -- --client 1 --token "$(dotnet src/Pos.Grpc.Host/bin/Release/net10.0/Pos.Grpc.Host.dll token --role supervisor --client 1)"
//   ... --import --departments 10,11 --from 2025-01-06 --until 2025-01-12 [--overwrite-approved]
//   ... --address http://127.0.0.1:5080 (default) or --grpc-web http://127.0.0.1:5081 [--text]
//
// The token may also come from the POS_TOKEN environment variable.
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Contracts.Settings.V1;

const string Usage = "usage: Pos.Grpc.Client.Example --token JWT [--client ID] [--address URL | --grpc-web URL [--text]]\n" +
                     "                               [--import --departments 1,2 --from YYYY-MM-DD --until YYYY-MM-DD [--overwrite-approved]]\n" +
                     "The token may also come from POS_TOKEN; --client defaults to 1, --address to http://127.0.0.1:5080.";

// Wrong or missing arguments print what is expected (exit 2), never a stack trace.
if (!Arguments.TryParse(args, out var arguments, out var problem))
    return UsageError(problem);
if (arguments.Has("help"))
{
    Console.WriteLine(Usage);
    return 0;
}
var token = arguments.Get("token") ?? Environment.GetEnvironmentVariable("POS_TOKEN");
if (string.IsNullOrEmpty(token)) return UsageError("give a bearer token with --token or POS_TOKEN.");
if (!long.TryParse(arguments.Get("client") ?? "1", out var clientId)) return UsageError("--client takes a number.");
var departmentIds = new List<long>();
foreach (var id in (arguments.Get("departments") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
{
    if (!long.TryParse(id, out var departmentId)) return UsageError("--departments takes numbers separated by commas.");
    departmentIds.Add(departmentId);
}
if (arguments.Has("import") && (arguments.Get("from") is null || arguments.Get("until") is null))
    return UsageError("--import needs --from YYYY-MM-DD and --until YYYY-MM-DD.");
if (!Uri.TryCreate(arguments.Get("address") ?? "http://127.0.0.1:5080", UriKind.Absolute, out var address)
    || (arguments.Get("grpc-web") is { } web && !Uri.IsWellFormedUriString(web, UriKind.Absolute)))
    return UsageError("--address and --grpc-web take absolute URLs such as http://127.0.0.1:5080.");

var services = new ServiceCollection();
services.AddPosGrpcClient(options =>
{
    options.Address = address;
    if (arguments.Get("grpc-web") is { } grpcWeb) options.GrpcWebAddress = new Uri(grpcWeb);
    options.UseGrpcWebText = arguments.Has("text");
    // A real caller would fetch and cache a token from its identity provider here.
    options.TokenProvider = _ => ValueTask.FromResult(token);
});
await using var provider = services.BuildServiceProvider();

// Ctrl+C stops watching; the import itself goes on (a watcher cancels nothing).
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

try
{
    var settings = provider.GetRequiredService<SettingsService.SettingsServiceClient>();
    var general = (await settings.GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = clientId }, cancellationToken: stop.Token)).Settings;
    Console.WriteLine($"Client {clientId}: POS import {(general.PosImportEnabled ? "on" : "off")}, {general.PosIntegrationService}, " +
                      $"multi cash registers {(general.MultiCashRegisters ? "on" : "off")}, confirm days at {general.ConfirmDaysAt} ({general.TimeZone})");

    var departments = provider.GetRequiredService<DepartmentService.DepartmentServiceClient>();
    var request = new ListDepartmentsRequest { ClientId = clientId };
    do
    {
        var page = await departments.ListDepartmentsAsync(request, cancellationToken: stop.Token);
        foreach (var department in page.Departments)
            Console.WriteLine($"  department {department.DepartmentId} {department.Name}: POS client number '{department.PosClientNumber}', " +
                              $"registers [{string.Join(", ", department.PosTerminalNumbers)}]");
        request.PageToken = page.NextPageToken;
    } while (request.PageToken != "");

    if (!arguments.Has("import")) return 0;

    var imports = provider.GetRequiredService<ImportService.ImportServiceClient>();
    var start = new StartImportRequest
    {
        ClientId = clientId,
        FromDate = arguments.Get("from"),
        UntilDate = arguments.Get("until"),
        OverwriteApproved = arguments.Has("overwrite-approved"),
        // A fresh key per intent: running the command again starts a new job, a retry of this call would not.
        RequestId = Guid.NewGuid().ToString(),
    };
    start.DepartmentIds.AddRange(departmentIds);
    var job = (await imports.StartImportAsync(start, cancellationToken: stop.Token)).Job;
    Console.WriteLine($"Import job {job.JobId} {job.State}");

    using var watch = imports.WatchImportJob(new WatchImportJobRequest { JobId = job.JobId }, cancellationToken: stop.Token);
    await foreach (var update in watch.ResponseStream.ReadAllAsync(stop.Token))
    {
        if (update.Heartbeat) continue;
        var p = update.Job.Progress;
        Console.WriteLine($"  {update.Job.State}: {p.DepartmentDaysDone}/{p.DepartmentDaysTotal} department-days, {p.SalesRead} sales read, " +
                          $"{p.ValuesWritten} values written, {p.ValuesSkippedApproved} approved values kept");
        foreach (var error in p.Errors) Console.WriteLine($"    error (department {error.DepartmentId} {error.Date}): {error.Message}");
    }
    return 0;
}
catch (RpcException e)
{
    // Status code and message in plain words; the details (BadRequest, PreconditionFailure) name what to fix.
    Console.Error.WriteLine($"The call failed: {e.StatusCode}: {e.Status.Detail}");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped watching; the import goes on.");
    return 130;
}

static int UsageError(string problem)
{
    Console.Error.WriteLine($"Pos.Grpc.Client.Example: {problem}");
    Console.Error.WriteLine(Usage);
    return 2;
}

/// <summary>"--name value" and "--flag" arguments: enough for an example, no dependency needed.</summary>
internal sealed class Arguments(Dictionary<string, string?> values)
{
    public static bool TryParse(string[] args, out Arguments arguments, out string problem)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        arguments = new Arguments(values);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"unexpected argument '{args[i]}'.";
                return false;
            }
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = hasValue ? args[++i] : null;
        }
        return true;
    }

    public bool Has(string name) => values.ContainsKey(name);

    public string? Get(string name) => values.GetValueOrDefault(name);
}
