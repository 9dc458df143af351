namespace Pos.Grpc.Host;

/// <summary>
/// A setting the host cannot start without is missing or wrong. Program prints its message as one line and
/// exits 1: the person starting the host needs the setting's name, not a stack trace.
/// </summary>
public sealed class PosConfigurationException(string message) : Exception(message)
{
    /// <summary>Fails naming every problem of a section, each as "Section: problem".</summary>
    public static void ThrowIfAny(string section, IEnumerable<string> problems)
    {
        var found = problems.Select(p => $"{section}: {p}").ToList();
        if (found.Count > 0) throw new PosConfigurationException(string.Join("; ", found));
    }
}
