namespace Pos.Grpc.LightspeedSimulator;

/// <summary>The options plus the one derived value everyone needs: the public base URL.</summary>
public sealed class SimulatorOptionsAccessor(SimulatorOptions options)
{
    public SimulatorOptions Options => options;

    public string BaseUrl(HttpRequest request) =>
        string.IsNullOrEmpty(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.PublicBaseUrl.TrimEnd('/');
}
