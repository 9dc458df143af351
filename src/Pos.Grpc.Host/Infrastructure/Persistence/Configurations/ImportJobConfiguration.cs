using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJobEntity>
{
    public void Configure(EntityTypeBuilder<ImportJobEntity> builder)
    {
        builder.ToTable("import_jobs");
        builder.HasKey(j => j.Id);
        builder.HasIndex(j => new { j.ClientId, j.CreatedAt });
        builder.HasIndex(j => new { j.ClientId, j.RequestId }).IsUnique().HasFilter("request_id IS NOT NULL");
        // Exactly one scheduled job per client per day, however many instances fire the schedule.
        builder.HasIndex(j => new { j.ClientId, j.ScheduledFor }).IsUnique().HasFilter("scheduled_for IS NOT NULL");
        // Lanes look for work of active jobs.
        builder.HasIndex(j => j.State).HasFilter("state IN (1, 2)");
        builder.Property(j => j.RequestId).HasMaxLength(100);
        builder.Property(j => j.CreatedBy).HasMaxLength(200);
        // W3C traceparent: 55 characters today; room for a later version of the header.
        builder.Property(j => j.TraceParent).HasMaxLength(100);
        builder.Property(j => j.Errors).HasColumnType("jsonb");
        builder.Property(j => j.SkippedSales).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
    }
}
