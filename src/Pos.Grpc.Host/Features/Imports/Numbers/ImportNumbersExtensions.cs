using Microsoft.Extensions.DependencyInjection.Extensions;
using Pos.Grpc.Host.Features.Imports.Engine;

namespace Pos.Grpc.Host.Features.Imports.Numbers;

public static class ImportNumbersExtensions
{
    /// <summary>
    /// The POS numbers side of the import engine: <see cref="IDepartmentDayImporter"/> and its writer.
    /// An <see cref="ISalesSource"/> must be registered separately (the Lightspeed adapter). Scoped, so the
    /// source may be scoped or singleton.
    /// </summary>
    public static IServiceCollection AddImportNumbers(this IServiceCollection services)
    {
        services.AddSingleton<DayValuesWriter>();
        // TryAdd: a host (or a test) that registered its own importer first keeps it.
        services.TryAddScoped<IDepartmentDayImporter, PosDepartmentDayImporter>();
        return services;
    }
}
