namespace Pos.Grpc.Benchmarks;

public static class WatchStreams
{
    public static Task RunAsync(Options options) => throw new NotImplementedException();
}
