namespace Pos.Grpc.Benchmarks;

public static class ImportMemory
{
    public static Task RunAsync(Options options) => throw new NotImplementedException();
}
