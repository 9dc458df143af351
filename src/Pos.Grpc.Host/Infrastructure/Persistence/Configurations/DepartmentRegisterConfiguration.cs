using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class DepartmentRegisterConfiguration : IEntityTypeConfiguration<DepartmentRegisterEntity>
{
    public void Configure(EntityTypeBuilder<DepartmentRegisterEntity> builder)
    {
        builder.ToTable("department_registers");
        builder.HasKey(r => new { r.DepartmentId, r.RegisterNumber });
        builder.Property(r => r.PosRegisterId).HasMaxLength(20);
        builder.HasIndex(r => new { r.DepartmentId, r.PosRegisterId }).IsUnique();
    }
}
