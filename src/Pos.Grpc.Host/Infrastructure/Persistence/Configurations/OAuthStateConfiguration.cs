using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence.Configurations;

internal sealed class OAuthStateConfiguration : IEntityTypeConfiguration<OAuthStateEntity>
{
    public void Configure(EntityTypeBuilder<OAuthStateEntity> builder)
    {
        builder.ToTable("oauth_states");
        builder.HasKey(s => s.StateHash);
        builder.Property(s => s.StateHash).HasMaxLength(64);
        builder.Property(s => s.CreatedBy).HasMaxLength(200);
        builder.HasIndex(s => s.ExpiresAt);
    }
}
