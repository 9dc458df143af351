using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class LightspeedConnectionConfiguration : IEntityTypeConfiguration<LightspeedConnectionEntity>
{
    public void Configure(EntityTypeBuilder<LightspeedConnectionEntity> builder)
    {
        builder.ToTable("lightspeed_connections");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.ClientId, c.Provider, c.AccountId }).IsUnique().HasFilter("account_id IS NOT NULL");
        builder.Property(c => c.Provider).HasDefaultValue(1);
        builder.Property(c => c.AccountId).HasMaxLength(20);
        builder.Property(c => c.AccountName).HasMaxLength(200);
        builder.Property(c => c.AuthorizedBy).HasMaxLength(200);
        builder.Property(c => c.ActivatedBy).HasMaxLength(200);
        builder.Property(c => c.LastError).HasMaxLength(1000);
        builder.Property(c => c.TokenVersion).IsConcurrencyToken();
    }
}
