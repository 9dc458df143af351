using Pos.Grpc.Host.Features.Imports.Engine;
using Pos.Grpc.Host.Infrastructure.Persistence;

namespace Pos.Grpc.Host.Features.Imports.Workers;

/// <summary>
/// Stands in until the Lightspeed importer is registered (with AddScoped/AddSingleton, which wins over this
/// TryAdd registration): every department fails with a plain reason instead of the worker failing to start.
/// </summary>
internal sealed class UnavailableDepartmentDayImporter : IDepartmentDayImporter
{
    public Task<PreparedDay> PrepareAsync(DepartmentDayWork work, CancellationToken cancellationToken) =>
        throw new ImportUnitException("IMPORTER_UNAVAILABLE", "This installation has no POS importer configured.", permanent: true);

    public Task<DayWriteResult> WriteAsync(PosDbContext db, PreparedDay day, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Nothing can have been prepared.");
}
