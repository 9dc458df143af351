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
        services.AddScoped<IDepartmentDayImporter, PosDepartmentDayImporter>();
        return services;
    }
}
