namespace Pos.Grpc.Benchmarks;

public static class Pacing
{
    public static Task RunAsync(Options options) => throw new NotImplementedException();
}
