namespace Pos.Grpc.Benchmarks;

public static class YearScale
{
    public static Task RunAsync(Options options) => throw new NotImplementedException();
}
