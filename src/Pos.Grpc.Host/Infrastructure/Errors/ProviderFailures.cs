using Pos.Grpc.Providers;
using Pos.Grpc.Providers.KSeries;
using Pos.Grpc.Providers.RSeries;

namespace Pos.Grpc.Host.Infrastructure.Errors;

/// <summary>
/// Failures of Lightspeed as callers see them: a stable reason and plain words. What went wrong on the wire (an address
/// refused, the client's retries, a URL) is for the log only (<see cref="Detail"/>). The providers translate their
/// failures into <see cref="PosProviderException"/>; anything of theirs that was not is still answered in plain words.
/// </summary>
public static class ProviderFailures
{
    /// <summary>The refusal to answer the caller with, or null when <paramref name="exception"/> is no failure of Lightspeed.</summary>
    public static PosException? ForCaller(Exception exception) => exception switch
    {
        PosProviderException { Permanent: true } failure => new PreconditionFailedException(failure.Reason, "POS_CONNECTION", "lightspeed", failure.Message),
        PosProviderException failure => new UnavailableException(failure.Reason, failure.Message),
        RSeriesException or KSeriesException or HttpRequestException =>
            new UnavailableException("LIGHTSPEED_UNAVAILABLE", "Lightspeed did not answer as expected. Try again later."),
        _ => null,
    };

    /// <summary>What happened, for the log: the failure underneath the translation.</summary>
    public static string Detail(Exception exception)
    {
        var cause = exception is PosProviderException { InnerException: { } inner } ? inner : exception;
        return $"{cause.GetType().Name}: {cause.Message}";
    }
}
