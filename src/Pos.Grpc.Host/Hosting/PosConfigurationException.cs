namespace Pos.Grpc.Host;

/// <summary>
/// A setting the host cannot start without is missing or wrong. Program prints its message as one line and
/// exits 1: the person starting the host needs the setting's name, not a stack trace.
/// </summary>
public sealed class PosConfigurationException(string message) : Exception(message);
