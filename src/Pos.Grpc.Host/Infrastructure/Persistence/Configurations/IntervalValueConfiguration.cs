using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class IntervalValueConfiguration : IEntityTypeConfiguration<IntervalValueEntity>
{
    public void Configure(EntityTypeBuilder<IntervalValueEntity> builder)
    {
        builder.ToTable("interval_values");
        builder.HasKey(v => new { v.DepartmentId, v.RegisterNumber, v.FieldId, v.StartUtc });
        builder.HasIndex(v => new { v.DepartmentId, v.RegisterNumber, v.Date });
        builder.Property(v => v.Value).HasPrecision(18, 2);
        builder.HasOne<DepartmentEntity>().WithMany().HasForeignKey(v => v.DepartmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<WeeklyBalanceFieldEntity>().WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Cascade);
    }
}
