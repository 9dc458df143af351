using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ConfirmedDayConfiguration : IEntityTypeConfiguration<ConfirmedDayEntity>
{
    public void Configure(EntityTypeBuilder<ConfirmedDayEntity> builder)
    {
        builder.ToTable("confirmed_days");
        builder.HasKey(c => new { c.DepartmentId, c.RegisterNumber, c.Date });
        builder.Property(c => c.ConfirmedBy).HasMaxLength(200);
        builder.HasOne<DepartmentEntity>().WithMany().HasForeignKey(c => c.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
