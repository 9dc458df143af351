using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class DayValueConfiguration : IEntityTypeConfiguration<DayValueEntity>
{
    public void Configure(EntityTypeBuilder<DayValueEntity> builder)
    {
        builder.ToTable("day_values");
        builder.HasKey(v => new { v.DepartmentId, v.RegisterNumber, v.Date, v.FieldId });
        builder.Property(v => v.Value).HasPrecision(18, 2);
        builder.HasOne<DepartmentEntity>().WithMany().HasForeignKey(v => v.DepartmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<WeeklyBalanceFieldEntity>().WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Cascade);
    }
}
