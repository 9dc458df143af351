using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ImportLaneConfiguration : IEntityTypeConfiguration<ImportLaneEntity>
{
    public void Configure(EntityTypeBuilder<ImportLaneEntity> builder)
    {
        builder.ToTable("import_lanes");
        builder.HasKey(l => l.AccountKey);
        builder.Property(l => l.AccountKey).HasMaxLength(100);
        builder.Property(l => l.LeaseOwner).HasMaxLength(200);
        builder.HasIndex(l => l.LeaseOwner);
    }
}
