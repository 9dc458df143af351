using System.Text.Json;

namespace Pos.Grpc.LightspeedSimulator.State;

/// <summary>
/// Where a simulator keeps what must outlive a restart (<c>Simulator:StateDirectory</c>): one JSON file per
/// piece of state, each replaced atomically (written beside the file, then renamed over it), so a stop at any
/// moment leaves the previous or the new version, never half of one. Without a directory nothing is kept and
/// every start begins empty, as tests want. The R-Series OAuth server keeps its state here ("r-series-oauth"), the
/// K-Series one beside it ("k-series-oauth").
/// </summary>
public sealed class StateDirectory(string? path, ILogger<StateDirectory> logger)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public bool IsEnabled => !string.IsNullOrEmpty(path);

    /// <summary>The state saved under <paramref name="name"/>, or null when there is none (or it cannot be read: then a warning, and a fresh start).</summary>
    public T? Load<T>(string name) where T : class
    {
        if (!IsEnabled) return null;
        var file = FileOf(name);
        if (!File.Exists(file)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(file), Json);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Ignoring {File}, which cannot be read ({Problem}); starting with empty {Name} state.", file, e.Message, name);
            return null;
        }
    }

    /// <summary>Replaces the state saved under <paramref name="name"/>. Callers serialise their own saves (they hold their state's lock).</summary>
    public void Save<T>(string name, T state)
    {
        if (!IsEnabled) return;
        Directory.CreateDirectory(path!);
        var file = FileOf(name);
        var temporary = $"{file}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, state, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, file, overwrite: true);
    }

    private string FileOf(string name) => Path.Combine(path!, name + ".json");
}
