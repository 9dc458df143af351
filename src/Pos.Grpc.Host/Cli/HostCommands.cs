using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Cli;

/// <summary>
/// Command-line verbs next to serving:
/// <c>token --role supervisor --client 1 [--department 10] [--subject alice] [--hours 12]</c> mints a development token;
/// <c>migrate</c> applies the migrations and exits; <c>--help</c> (or anything else that is not configuration) prints the usage.
/// </summary>
public static class HostCommands
{
    private const string TokenUsage =
        "token --role <supervisor|regional_supervisor|integration_contact|support|service> [--role ...] [--client <id> ...] [--department <id> ...] [--subject <name>] [--hours <n>]";

    private const string Usage = $"""
        usage: Pos.Grpc.Host [--Section:Key=value ...]   serve gRPC (configuration: appsettings.json, POS_ environment variables, these options)
               Pos.Grpc.Host {TokenUsage}
                                                           print a development token
               Pos.Grpc.Host migrate                       apply the database migrations and exit
        """;

    public static bool TryRun(string[] args, out Task<int> exitCode)
    {
        exitCode = args.FirstOrDefault() switch
        {
            "token" => Task.FromResult(MintToken(args[1..])),
            "migrate" => MigrateAsync(args[1..]),
            "--help" or "-h" or "-?" or "help" => Task.FromResult(PrintUsage(Console.Out, null)),
            { } first when !IsConfiguration(first) => Task.FromResult(PrintUsage(Console.Error, $"unknown command '{first}'")),
            _ => null!,
        };
        return exitCode is not null;
    }

    /// <summary>What the command-line configuration provider takes: --Key value, /Key value, -k value or Key=value.</summary>
    private static bool IsConfiguration(string argument) =>
        argument.StartsWith('-') || argument.StartsWith('/') || argument.Contains('=');

    private static int PrintUsage(TextWriter writer, string? problem)
    {
        if (problem is not null) writer.WriteLine($"Pos.Grpc.Host: {problem}");
        writer.WriteLine(Usage);
        return problem is null ? 0 : 2;
    }

    private static int MintToken(string[] args)
    {
        var roles = new List<string>();
        var clients = new List<long>();
        var departments = new List<long>();
        var subject = "developer";
        var hours = 12.0;
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--role": roles.Add(value); break;
                case "--client" when long.TryParse(value, out var client): clients.Add(client); break;
                case "--department" when long.TryParse(value, out var department): departments.Add(department); break;
                case "--client" or "--department": return TokenProblem($"{args[i]} takes a number, not '{value}'");
                case "--subject": subject = value; break;
                case "--hours" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var h): hours = h; break;
                case "--hours": return TokenProblem($"--hours takes a number, not '{value}'");
                default: return TokenProblem($"unknown option {args[i]}");
            }
        }
        if (args.Length % 2 != 0) return TokenProblem("every option takes a value");
        if (roles.Count == 0) return TokenProblem("give at least one --role");
        if (roles.FirstOrDefault(r => !PosRoles.All.Contains(r)) is { } unknown) return TokenProblem($"unknown role {unknown}");

        // A development tool: it reads the Development settings unless ASPNETCORE_ENVIRONMENT says otherwise.
        var configuration = PosHost.CreateBuilder([], defaultEnvironment: Environments.Development).Configuration;
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (hours <= 0 || TimeSpan.FromHours(hours) > options.MaxTokenLifetime)
            return TokenProblem($"--hours must be more than 0 and at most {options.MaxTokenLifetime.TotalHours:0}: the host refuses tokens valid for longer (Auth:MaxTokenLifetime)");
        Console.WriteLine(DevelopmentTokenIssuer.Issue(options, subject, roles, clients, departments, TimeSpan.FromHours(hours)));
        return 0;
    }

    private static async Task<int> MigrateAsync(string[] args)
    {
        var builder = PosHost.CreateBuilder(args);
        builder.Configuration["Database:MigrateOnStartup"] = "false";
        builder.AddPosPersistence();
        await using var app = builder.Build();
        await DatabaseMigrator.MigrateAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        Console.WriteLine("Database migrated.");
        return 0;
    }

    private static int TokenProblem(string problem)
    {
        Console.Error.WriteLine($"token: {problem}");
        Console.Error.WriteLine($"usage: {TokenUsage}");
        return 2;
    }
}
