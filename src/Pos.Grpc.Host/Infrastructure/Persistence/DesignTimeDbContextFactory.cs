using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the host or a database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PosDbContext>
{
    public PosDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PosDbContext>();
        PersistenceExtensions.ConfigureNpgsql(options, "Host=localhost;Database=pos_design");
        return new PosDbContext(options.Options);
    }
}
