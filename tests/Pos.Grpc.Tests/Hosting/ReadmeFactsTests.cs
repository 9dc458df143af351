using System.Text.RegularExpressions;

namespace Pos.Grpc.Tests.Hosting;

/// <summary>What the README lists stays what the repository has: the scripts' environment variables and the projects.</summary>
public sealed class ReadmeFactsTests
{
    /// <summary>Variables bash itself sets, which no user sets for the scripts.</summary>
    private static readonly HashSet<string> ShellVariables =
        ["BASH_SOURCE", "BASHPID", "EUID", "FUNCNAME", "HOME", "IFS", "LINENO", "OLDPWD", "PATH", "PWD", "RANDOM", "SECONDS", "UID"];

    private static readonly string Root = ReadmeWalkthroughTests.RepositoryRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    [Fact]
    public void EveryEnvironmentVariableTheScriptsRead_IsInTheReadme()
    {
        var scripts = Directory.GetFiles(Path.Combine(Root, "scripts"), "*.sh").Append(Path.Combine(Root, ".ci", "run")).ToList();
        // $NAME or ${NAME...}: upper-case names are the environment's; the scripts' own variables are lower case.
        var read = scripts
            .SelectMany(script => Regex.Matches(File.ReadAllText(script), @"\$\{?(?<name>[A-Z][A-Za-z0-9_]*)").Select(m => m.Groups["name"].Value))
            .Where(name => !ShellVariables.Contains(name))
            .ToHashSet();

        Assert.Contains("POS_Ports__GrpcPort", read);
        Assert.Empty(read.Where(name => !Readme.Contains(name, StringComparison.Ordinal)).Order());
    }

    [Fact]
    public void TheLayout_NamesEveryProject()
    {
        var layout = Regex.Match(Readme, @"## Layout\s*```\n(?<tree>.*?)```", RegexOptions.Singleline);
        Assert.True(layout.Success, "README.md has no Layout block");
        var named = layout.Groups["tree"].Value.Split('\n').Select(line => line.Split(' ', 2)[0]).Where(path => path != "").ToList();
        var projects = Directory.GetFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Select(project => Path.GetRelativePath(Root, Path.GetDirectoryName(project)!).Replace('\\', '/'))
            .Where(directory => !directory.Contains("node_modules", StringComparison.Ordinal))
            .ToList();

        Assert.Contains("src/Pos.Grpc.Host", projects);
        // A project is named itself or by the folder holding it (clients/dotnet holds the client library and its example).
        Assert.Empty(projects.Where(directory => !named.Any(path => directory == path || directory.StartsWith(path + "/", StringComparison.Ordinal))).Order());
    }
}
