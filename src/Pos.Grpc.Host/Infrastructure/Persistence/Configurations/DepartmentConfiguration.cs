using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<DepartmentEntity>
{
    public void Configure(EntityTypeBuilder<DepartmentEntity> builder)
    {
        builder.ToTable("departments");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.HasIndex(d => new { d.ClientId, d.Id });
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.PosClientNumber).HasMaxLength(20);
        builder.Property(d => d.PosShopId).HasMaxLength(20);
        builder.Property(d => d.TimeZone).HasMaxLength(64);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.Ignore(d => d.RegisterCount);
        builder.HasMany(d => d.Registers).WithOne().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
