using Pos.Grpc.Contracts.Imports.V1;
using Pos.Grpc.Host.Domain;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;
using Pos.Grpc.Host.Infrastructure.Validation;

namespace Pos.Grpc.Host.Features.Imports.Service;

/// <summary>A StartImport request whose fields have the right shape; the rules that need the database come later.</summary>
public sealed record StartImportCommand(
    long ClientId, IReadOnlyList<long> DepartmentIds, DateOnly From, DateOnly Until, bool OverwriteApproved, string RequestId)
{
    /// <summary>The longest range one job may cover: a bounded job keeps its units, its progress and its ETA meaningful.</summary>
    public const int MaxDays = 400;
    public const int MaxDepartments = 100;

    public int DayCount => Until.DayNumber - From.DayNumber + 1;

    public IEnumerable<DateOnly> Days => Enumerable.Range(0, DayCount).Select(From.AddDays);

    /// <summary>Every bad field is named in one INVALID_ARGUMENT.</summary>
    public static StartImportCommand Parse(StartImportRequest request)
    {
        var violations = new Violations().RequirePositiveId(request.ClientId, "client_id");

        violations.AddIf(request.DepartmentIds.Count == 0, "department_ids", "name at least one department");
        violations.AddIf(request.DepartmentIds.Count > MaxDepartments, "department_ids", $"name at most {MaxDepartments} departments per job");
        var firstIndexOf = new Dictionary<long, int>();
        // Entries of an over-long list are not judged one by one: that would make a huge error.
        for (var i = 0; i < request.DepartmentIds.Count && request.DepartmentIds.Count <= MaxDepartments; i++)
        {
            var id = request.DepartmentIds[i];
            if (id <= 0) violations.Add($"department_ids[{i}]", "must be a positive id");
            else if (!firstIndexOf.TryAdd(id, i)) violations.Add($"department_ids[{i}]", $"repeats department_ids[{firstIndexOf[id]}]");
        }

        const string dateRule = "must be a local date \"YYYY-MM-DD\"";
        var fromValid = Dates.TryParse(request.FromDate, out var from);
        var untilValid = Dates.TryParse(request.UntilDate, out var until);
        violations.AddIf(!fromValid, "from_date", dateRule).AddIf(!untilValid, "until_date", dateRule);
        if (fromValid && untilValid)
        {
            violations.AddIf(until < from, "until_date", "must not be before from_date");
            violations.AddIf(until.DayNumber - from.DayNumber + 1 > MaxDays, "until_date",
                $"the range from_date..until_date may span at most {MaxDays} days; split longer imports into several jobs");
        }

        var requestIdValid = Guid.TryParseExact(request.RequestId, "D", out var requestId);
        violations.AddIf(!requestIdValid, "request_id", "must be a UUID such as \"3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f\" (the idempotency key)");
        violations.ThrowIfAny();

        return new StartImportCommand(request.ClientId, request.DepartmentIds.Order().ToList(), from, until, request.OverwriteApproved,
            requestId.ToString("D"));
    }

    /// <summary>Whether a job created from an earlier request with the same request_id asked for the same import.</summary>
    public bool Matches(ImportJobEntity job) =>
        job.DepartmentIds.Order().SequenceEqual(DepartmentIds)
        && job.FromDate == From && job.UntilDate == Until && job.OverwriteApproved == OverwriteApproved;
}
