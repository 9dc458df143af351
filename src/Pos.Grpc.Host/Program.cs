using Microsoft.Extensions.Options;
using Pos.Grpc.Host;
using Pos.Grpc.Host.Cli;

try
{
    if (HostCommands.TryRun(args, out var exitCode)) return await exitCode;
    await PosHost.Build(args).RunAsync();
    return 0;
}
catch (PosConfigurationException e)
{
    await Console.Error.WriteLineAsync($"Pos.Grpc.Host: {e.Message}");
    return 1;
}
catch (OptionsValidationException e)
{
    // A section validated at start-up (ValidatedOptions): every problem, each naming its setting, on one line.
    await Console.Error.WriteLineAsync($"Pos.Grpc.Host: {string.Join("; ", e.Failures)}");
    return 1;
}
