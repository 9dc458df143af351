using Pos.Grpc.Host.Infrastructure.Auth;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Cli;

/// <summary>
/// Command-line verbs next to serving:
/// <c>token --role supervisor --client 1 [--department 10] [--subject alice] [--hours 12]</c> mints a development token;
/// <c>migrate</c> applies the migrations and exits.
/// </summary>
public static class HostCommands
{
    public static bool TryRun(string[] args, out Task<int> exitCode)
    {
        exitCode = args.FirstOrDefault() switch
        {
            "token" => Task.FromResult(MintToken(args[1..])),
            "migrate" => MigrateAsync(args[1..]),
            _ => null!,
        };
        return exitCode is not null;
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
                case "--client": clients.Add(long.Parse(value)); break;
                case "--department": departments.Add(long.Parse(value)); break;
                case "--subject": subject = value; break;
                case "--hours": hours = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: return Usage($"unknown option {args[i]}");
            }
        }
        if (args.Length % 2 != 0) return Usage("every option takes a value");
        if (roles.Count == 0) return Usage("give at least one --role");
        if (roles.FirstOrDefault(r => !PosRoles.All.Contains(r)) is { } unknown) return Usage($"unknown role {unknown}");

        // A development tool: it reads the Development settings unless ASPNETCORE_ENVIRONMENT says otherwise.
        var configuration = PosHost.CreateBuilder([], defaultEnvironment: Environments.Development).Configuration;
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
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

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"token: {problem}");
        Console.Error.WriteLine("usage: token --role <supervisor|regional_supervisor|integration_contact|support|service> [--role ...] [--client <id> ...] [--department <id> ...] [--subject <name>] [--hours <n>]");
        return 2;
    }
}
