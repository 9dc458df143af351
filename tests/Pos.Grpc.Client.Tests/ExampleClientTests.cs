using System.Diagnostics;

namespace Pos.Grpc.Client.Tests;

/// <summary>The example console (clients/dotnet/Pos.Grpc.Client.Example) run as a process: wrong arguments get the usage, not a stack trace.</summary>
public sealed class ExampleClientTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunExampleAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pos.Grpc.Client.Example.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment.Remove("POS_TOKEN");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task WithoutToken_PrintsTheProblemAndTheUsage()
    {
        var (exitCode, output, error) = await RunExampleAsync("--client", "1");
        Assert.Equal(2, exitCode);
        Assert.StartsWith("Pos.Grpc.Client.Example: give a bearer token with --token or POS_TOKEN.\nusage: Pos.Grpc.Client.Example --token JWT", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--token", "t", "--client", "one")]
    [InlineData("--token", "t", "--import", "--departments", "10")]
    [InlineData("client", "1")]
    public async Task BadArguments_PrintTheUsage(params string[] arguments)
    {
        var (exitCode, _, error) = await RunExampleAsync(arguments);
        Assert.Equal(2, exitCode);
        Assert.Contains("usage: Pos.Grpc.Client.Example", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Help_PrintsTheUsage()
    {
        var (exitCode, output, _) = await RunExampleAsync("--help");
        Assert.Equal(0, exitCode);
        Assert.StartsWith("usage: Pos.Grpc.Client.Example", output);
    }
}
