using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ImportJobAccountConfiguration : IEntityTypeConfiguration<ImportJobAccountEntity>
{
    public void Configure(EntityTypeBuilder<ImportJobAccountEntity> builder)
    {
        builder.ToTable("import_job_accounts");
        builder.HasKey(a => new { a.JobId, a.AccountKey });
        builder.Property(a => a.AccountKey).HasMaxLength(100);
        builder.HasIndex(a => a.AccountKey);
        builder.HasOne<ImportJobEntity>().WithMany().HasForeignKey(a => a.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
