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
        builder.Property(u => u.Reason).HasMaxLength(100);
        builder.Property(u => u.AccountKey).HasMaxLength(100);
        // A lane's pending work: claimed by account, due when not_before has passed.
        builder.HasIndex(u => new { u.AccountKey, u.JobId }).HasFilter("state = 0");
        // "Is anything of this job left?", asked with every checkpoint.
        builder.HasIndex(u => u.JobId).HasFilter("state = 0").HasDatabaseName("ix_import_units_pending_job_id");
        // Import health: the department-days of a window that did not finish, whichever job had them.
        builder.HasIndex(u => new { u.DepartmentId, u.Date });
        builder.HasOne<ImportJobEntity>().WithMany().HasForeignKey(u => u.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
