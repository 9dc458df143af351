using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class LightspeedConnectionAccountConfiguration : IEntityTypeConfiguration<LightspeedConnectionAccountEntity>
{
    public void Configure(EntityTypeBuilder<LightspeedConnectionAccountEntity> builder)
    {
        builder.ToTable("lightspeed_connection_accounts");
        builder.HasKey(a => new { a.ConnectionId, a.AccountId });
        builder.HasIndex(a => a.AccountId);
        builder.HasOne<LightspeedConnectionEntity>().WithMany(c => c.Accounts).HasForeignKey(a => a.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.AccountId).HasMaxLength(20);
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.TimeZone).HasMaxLength(64);
    }
}
