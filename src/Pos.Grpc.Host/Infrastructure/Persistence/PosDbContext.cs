using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Pos.Grpc.Host.Infrastructure.Persistence.Entities;

namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>All state of the service. Entity mappings live in Configurations/, one class per entity.</summary>
public sealed class PosDbContext(DbContextOptions<PosDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<GeneralSettingsEntity> GeneralSettings => Set<GeneralSettingsEntity>();
    public DbSet<DepartmentEntity> Departments => Set<DepartmentEntity>();
    public DbSet<DepartmentRegisterEntity> DepartmentRegisters => Set<DepartmentRegisterEntity>();
    public DbSet<WeeklyBalanceFieldEntity> WeeklyBalanceFields => Set<WeeklyBalanceFieldEntity>();
    public DbSet<DayValueEntity> DayValues => Set<DayValueEntity>();
    public DbSet<IntervalValueEntity> IntervalValues => Set<IntervalValueEntity>();
    public DbSet<ConfirmedDayEntity> ConfirmedDays => Set<ConfirmedDayEntity>();
    public DbSet<ApprovedWeekEntity> ApprovedWeeks => Set<ApprovedWeekEntity>();
    public DbSet<OpenDayReasonEntity> OpenDayReasons => Set<OpenDayReasonEntity>();
    public DbSet<AuditEntryEntity> AuditEntries => Set<AuditEntryEntity>();
    public DbSet<LightspeedConnectionEntity> LightspeedConnections => Set<LightspeedConnectionEntity>();
    public DbSet<LightspeedConnectionAccountEntity> LightspeedConnectionAccounts => Set<LightspeedConnectionAccountEntity>();
    public DbSet<OAuthStateEntity> OAuthStates => Set<OAuthStateEntity>();
    public DbSet<ImportJobEntity> ImportJobs => Set<ImportJobEntity>();
    public DbSet<ImportUnitEntity> ImportUnits => Set<ImportUnitEntity>();
    public DbSet<ImportedDayEntity> ImportedDays => Set<ImportedDayEntity>();
    public DbSet<ImportJobAccountEntity> ImportJobAccounts => Set<ImportJobAccountEntity>();
    public DbSet<ImportLaneEntity> ImportLanes => Set<ImportLaneEntity>();
    public DbSet<ImportWatermarkEntity> ImportWatermarks => Set<ImportWatermarkEntity>();

    /// <summary>The ASP.NET Core Data Protection key ring, shared by every instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PosDbContext).Assembly);
}
