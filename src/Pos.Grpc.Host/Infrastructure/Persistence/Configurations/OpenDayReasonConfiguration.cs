using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class OpenDayReasonConfiguration : IEntityTypeConfiguration<OpenDayReasonEntity>
{
    public void Configure(EntityTypeBuilder<OpenDayReasonEntity> builder)
    {
        builder.ToTable("open_day_reasons");
        builder.HasKey(o => new { o.DepartmentId, o.RegisterNumber, o.Date });
        builder.Property(o => o.Reason).HasMaxLength(1000);
        builder.HasOne<DepartmentEntity>().WithMany().HasForeignKey(o => o.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
