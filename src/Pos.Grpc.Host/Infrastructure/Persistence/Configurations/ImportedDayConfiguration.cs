using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ImportedDayConfiguration : IEntityTypeConfiguration<ImportedDayEntity>
{
    public void Configure(EntityTypeBuilder<ImportedDayEntity> builder)
    {
        builder.ToTable("imported_days");
        builder.HasKey(d => new { d.DepartmentId, d.Date });
        builder.HasOne<DepartmentEntity>().WithMany().HasForeignKey(d => d.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
