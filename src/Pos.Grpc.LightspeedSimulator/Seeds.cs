namespace Pos.Grpc.LightspeedSimulator;

/// <summary>Seeds for the deterministic generators of both simulated APIs.</summary>
public static class Seeds
{
    /// <summary>A stable seed from several numbers (HashCode is randomised per process, so it cannot be used).</summary>
    public static int Mix(params long[] values)
    {
        ulong h = 0x9E3779B97F4A7C15;
        foreach (var v in values)
        {
            h ^= (ulong)v + 0x9E3779B97F4A7C15 + (h << 6) + (h >> 2);
            h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9;
            h = (h ^ (h >> 27)) * 0x94D049BB133111EB;
            h ^= h >> 31;
        }
        return (int)(h & 0x7FFFFFFF);
    }
}
