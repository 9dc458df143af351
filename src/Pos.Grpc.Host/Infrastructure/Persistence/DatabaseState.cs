namespace Pos.Grpc.Host.Infrastructure.Persistence;

/// <summary>Whether this instance has seen the schema migrated; the health check reports NOT_SERVING until then.</summary>
public sealed class DatabaseState
{
    private volatile bool _migrated;

    public bool IsMigrated => _migrated;

    public void MarkMigrated() => _migrated = true;
}
