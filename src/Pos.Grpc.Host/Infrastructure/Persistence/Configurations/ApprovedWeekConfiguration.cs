using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ApprovedWeekConfiguration : IEntityTypeConfiguration<ApprovedWeekEntity>
{
    public void Configure(EntityTypeBuilder<ApprovedWeekEntity> builder)
    {
        builder.ToTable("approved_weeks");
        builder.HasKey(a => new { a.DepartmentId, a.RegisterNumber, a.WeekStart });
        builder.Property(a => a.ApprovedBy).HasMaxLength(200);
        builder.HasOne<DepartmentEntity>().WithMany().HasForeignKey(a => a.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
