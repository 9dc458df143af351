using Pos.Grpc.Host;
using Pos.Grpc.Host.Cli;

if (HostCommands.TryRun(args, out var exitCode)) return await exitCode;

await PosHost.Build(args).RunAsync();
return 0;
