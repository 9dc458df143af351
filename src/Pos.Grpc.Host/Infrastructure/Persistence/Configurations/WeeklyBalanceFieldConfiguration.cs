using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class WeeklyBalanceFieldConfiguration : IEntityTypeConfiguration<WeeklyBalanceFieldEntity>
{
    public void Configure(EntityTypeBuilder<WeeklyBalanceFieldEntity> builder)
    {
        builder.ToTable("weekly_balance_fields");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.HasIndex(f => new { f.ClientId, f.Id });
        // One field per POS field type per client: the database enforces it even under races.
        builder.HasIndex(f => new { f.ClientId, f.PosFieldType }).IsUnique().HasFilter("pos_field_type IS NOT NULL");
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.Code).HasMaxLength(50);
        builder.Property(f => f.Version).IsConcurrencyToken();
    }
}
