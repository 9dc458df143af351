using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class ImportWatermarkConfiguration : IEntityTypeConfiguration<ImportWatermarkEntity>
{
    public void Configure(EntityTypeBuilder<ImportWatermarkEntity> builder)
    {
        builder.ToTable("import_watermarks");
        builder.HasKey(w => new { w.ClientId, w.AccountKey });
        builder.Property(w => w.AccountKey).HasMaxLength(100);
    }
}
