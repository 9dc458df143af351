using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class GeneralSettingsConfiguration : IEntityTypeConfiguration<GeneralSettingsEntity>
{
    public void Configure(EntityTypeBuilder<GeneralSettingsEntity> builder)
    {
        builder.ToTable("general_settings");
        builder.HasKey(s => s.ClientId);
        builder.Property(s => s.ClientId).ValueGeneratedNever();
        builder.Property(s => s.TimeZone).HasMaxLength(64);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}
