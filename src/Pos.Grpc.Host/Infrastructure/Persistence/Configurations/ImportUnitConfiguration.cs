using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ImportUnitConfiguration : IEntityTypeConfiguration<ImportUnitEntity>
{
    public void Configure(EntityTypeBuilder<ImportUnitEntity> builder)
    {
        builder.ToTable("import_units");
        builder.HasKey(u => new { u.JobId, u.DepartmentId, u.Date });
        builder.Property(u => u.Error).HasMaxLength(1000);
        builder.HasOne<ImportJobEntity>().WithMany().HasForeignKey(u => u.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
