using System.Text.RegularExpressions;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Tests.Hosting;
using System.Globalization;

namespace Pos.Grpc.Client.Tests;

/// <summary>
/// Runs the README's support block (grpcurl and buf curl forms) with bash against a real host, the same way
/// as the configuration walkthrough. Every command must succeed.
/// </summary>
public sealed class ReadmeSupportTests(DevelopmentTokensHostFixture host) : IClassFixture<DevelopmentTokensHostFixture>
{
    [Fact]
    public async Task SupportBlock_RunsAsPrinted_EveryCommandAnswers()
    {
        // A finished job of client 1, the most recent, which the block finds and watches: the stream sends its snapshot and ends.
        var jobId = Guid.NewGuid();
        await using (var db = host.NewDbContext())
        {
            var now = DateTimeOffset.UtcNow;
            db.ImportJobs.Add(new ImportJobEntity
            {
                Id = jobId, ClientId = 1, DepartmentIds = [], FromDate = new DateOnly(2025, 1, 6), UntilDate = new DateOnly(2025, 1, 12),
                Trigger = 1, State = 3, CreatedBy = "support-test", CreatedAt = now, StartedAt = now, FinishedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
        }
        var script = $$"""
            set +e
            # Report the line of each failing command of the block; the test maps it back to the command.
            trap '[ -n "${FUNCNAME[0]:-}" ] || echo "FAILED LINE: $LINENO" >&2' ERR
            {{ReadmeWalkthroughTests.WalkthroughBlock("support")}}
            """;

        var (_, output) = await new ReadmeWalkthroughTests(host).RunBashAsync(script);

        // RunBashAsync puts two lines before the script ("set -euo pipefail", "source ..."); a command broken
        // over two lines may report either of them, so each failure is the text of its line and its neighbours.
        var lines = ("\n\n" + script).Split('\n');
        var failed = Regex.Matches(output, "^FAILED LINE: ([0-9]+)", RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1)
            .Select(i => string.Join(" ", lines[Math.Max(0, i - 1)..Math.Min(lines.Length, i + 2)]))
            .ToList();
        Assert.True(failed.Count == 0, "Failing commands:\n" + string.Join("\n", failed) + "\n" + output);
        Assert.Contains("pos.imports.v1.ImportService", output);        // list, describe
        Assert.Contains("StartImport", output);                          // the import methods listed
        Assert.Equal(4, Regex.Count(output, "\"status\": \"SERVING\"")); // health: unnamed twice, liveness, readiness
        Assert.Contains("\"windowDays\": 7", output);                    // the client's import health
        Assert.Contains("\"windowDays\": 14", output);
        Assert.Contains("\"timeZone\": \"Europe/Copenhagen\"", output);  // client 1's settings (defaults)
        Assert.Contains(jobId.ToString(), output);                       // the job listed and watched
        Assert.Equal(4, Regex.Count(output, "IMPORT_JOB_STATE_SUCCEEDED")); // list twice, watch twice
    }
}
