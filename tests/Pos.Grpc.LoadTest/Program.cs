using System.Globalization;
using Grpc.Net.Client;
using Pos.Grpc.Contracts.Departments.V1;
using Pos.Grpc.Contracts.Settings.V1;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.LoadTest;
using Pos.Grpc.LoadTest.Hello;
using Pos.Grpc.Tests.Infrastructure;

// Unary load: the service's cheapest authenticated reads next to a bare hello-world, same tool, same machine.
//   dotnet run -c Release --project tests/Pos.Grpc.LoadTest -- [--seconds 10] [--callers 64] [--channels 4]
var seconds = Option("--seconds", 10);
var callers = Option("--callers", 64);
var channelCount = Option("--channels", 4);
var duration = TimeSpan.FromSeconds(seconds);

Console.WriteLine($"Starting PostgreSQL, the host and the bare server ({callers} callers over {channelCount} channels, {seconds} s per run)...");
var host = new LoadHostFixture();
await host.InitializeAsync();
var (bare, bareGrpcPort, bareWebPort) = await BareHelloServer.StartAsync();

var token = PosHostFixture.Supervisor(LoadHostFixture.ClientId);
var settings = Channels(() => host.Channel(token)).Select(c => new SettingsService.SettingsServiceClient(c)).ToArray();
var departments = Channels(() => host.Channel(token)).Select(c => new DepartmentService.DepartmentServiceClient(c)).ToArray();
var settingsWeb = Channels(() => host.Channel(token, Transport.GrpcWeb)).Select(c => new SettingsService.SettingsServiceClient(c)).ToArray();
var hello = Channels(() => GrpcChannel.ForAddress($"http://127.0.0.1:{bareGrpcPort}")).Select(c => new HelloService.HelloServiceClient(c)).ToArray();
var helloWeb = Channels(() => GrpcChannel.ForAddress($"http://127.0.0.1:{bareWebPort}", new GrpcChannelOptions
{
    HttpHandler = new Grpc.Net.Client.Web.GrpcWebHandler(Grpc.Net.Client.Web.GrpcWebMode.GrpcWeb, new SocketsHttpHandler()),
    HttpVersion = System.Net.HttpVersion.Version11,
})).Select(c => new HelloService.HelloServiceClient(c)).ToArray();

Func<int, Task> sayHello = i => hello[i % channelCount].SayHelloAsync(new SayHelloRequest { Name = "load" }).ResponseAsync;
Func<int, Task> sayHelloWeb = i => helloWeb[i % channelCount].SayHelloAsync(new SayHelloRequest { Name = "load" }).ResponseAsync;
Func<int, Task> getSettings = i => settings[i % channelCount].GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = LoadHostFixture.ClientId }).ResponseAsync;
Func<int, Task> getSettingsWeb = i => settingsWeb[i % channelCount].GetGeneralSettingsAsync(new GetGeneralSettingsRequest { ClientId = LoadHostFixture.ClientId }).ResponseAsync;
Func<int, Task> listDepartments = i => departments[i % channelCount].ListDepartmentsAsync(new ListDepartmentsRequest { ClientId = LoadHostFixture.ClientId, PageSize = 20 }).ResponseAsync;

var results = new List<LoadResult>
{
    await LoadRunner.ClosedLoopAsync("bare hello (gRPC)", callers, duration, sayHello),
    await LoadRunner.ClosedLoopAsync("GetGeneralSettings (gRPC)", callers, duration, getSettings),
    await LoadRunner.ClosedLoopAsync("ListDepartments, 20 (gRPC)", callers, duration, listDepartments),
    await LoadRunner.ClosedLoopAsync("bare hello (gRPC-Web)", callers, duration, sayHelloWeb),
    await LoadRunner.ClosedLoopAsync("GetGeneralSettings (gRPC-Web)", callers, duration, getSettingsWeb),
};
double Rps(string name) => results.Single(r => r.Name == name).RequestsPerSecond;
var halfSettings = Rps("GetGeneralSettings (gRPC)") / 2;
var halfList = Rps("ListDepartments, 20 (gRPC)") / 2;
var (settingsDue, settingsSent) = await LoadRunner.FixedRateAsync($"GetGeneralSettings at {halfSettings:N0}/s (half its max)", halfSettings, callers, duration, getSettings);
var (listDue, listSent) = await LoadRunner.FixedRateAsync($"ListDepartments at {halfList:N0}/s (half its max)", halfList, callers, duration, listDepartments);
results.AddRange([settingsDue, settingsSent, listDue, listSent]);

Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine("| run | requests/s | p50 ms | p99 ms | errors |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var result in results) Console.WriteLine(result.ToRow());
Console.WriteLine();
Console.WriteLine($"GetGeneralSettings / bare hello (gRPC):  {Rps("GetGeneralSettings (gRPC)") / Rps("bare hello (gRPC)"):P0}  (target >= 50%)");
Console.WriteLine($"ListDepartments / bare hello (gRPC):     {Rps("ListDepartments, 20 (gRPC)") / Rps("bare hello (gRPC)"):P0}  (target >= 50%)");
Console.WriteLine($"GetGeneralSettings gRPC-Web / gRPC:      {Rps("GetGeneralSettings (gRPC-Web)") / Rps("GetGeneralSettings (gRPC)"):P0}  (target >= 50%)");
Console.WriteLine($"p99 at half load, from send: settings {settingsSent.P99Ms:N2} ms, departments {listSent.P99Ms:N2} ms  (target < 10 ms)");
Console.WriteLine($"p99 at half load, from due time: settings {settingsDue.P99Ms:N2} ms, departments {listDue.P99Ms:N2} ms  (includes the load generator's lateness)");

await bare.StopAsync();
await host.DisposeAsync();
return 0;

T[] Channels<T>(Func<T> create) => Enumerable.Range(0, channelCount).Select(_ => create()).ToArray();

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The host over its own database, with client 1's settings and 20 departments.</summary>
internal sealed class LoadHostFixture : PosHostFixture
{
    public const long ClientId = 1;

    protected override Dictionary<string, string?> HostSettings()
    {
        var settings = base.HostSettings();
        settings["Logging:LogLevel:Default"] = "Error";
        return settings;
    }

    protected override async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = NewDbContext();
        db.GeneralSettings.Add(new GeneralSettingsEntity { ClientId = ClientId, MultiCashRegisters = true, Version = 1, UpdatedAt = now });
        for (var i = 1; i <= 20; i++)
        {
            db.Departments.Add(new DepartmentEntity
            {
                Id = 100 + i, ClientId = ClientId, Name = $"Store {i}", PosClientNumber = $"{1000 + i}", Version = 1, CreatedAt = now, UpdatedAt = now,
                Registers = [new DepartmentRegisterEntity { DepartmentId = 100 + i, RegisterNumber = 1, PosRegisterId = "1" }],
            });
        }
        await db.SaveChangesAsync();
    }
}
