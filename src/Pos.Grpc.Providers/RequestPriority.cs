namespace Pos.Grpc.Providers;

/// <summary>
/// Which of several requests waiting for the same POS location goes first: the lowest value. Scheduled (nightly)
/// imports go before manual historical imports, and both before interactive listings, so a supervisor browsing
/// devices never delays the night's numbers (the engine chooses; providers' pacers obey).
/// </summary>
public enum RequestPriority
{
    Scheduled = 0,
    Manual = 1,
    Interactive = 2,
}
