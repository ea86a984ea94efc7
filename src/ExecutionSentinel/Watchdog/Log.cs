using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Watchdog;

internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Warning, "Runner {RunnerId} sent no heartbeat for {Seconds} s; marked failed")]
    public static partial void RunnerTimedOut(ILogger logger, string runnerId, double seconds);

    [LoggerMessage(201, LogLevel.Error, "The timeout handler of runner {RunnerId} threw; the runner stays failed")]
    public static partial void TimeoutHandlerFailed(ILogger logger, Exception exception, string runnerId);

    [LoggerMessage(202, LogLevel.Error, "Reconciling execution {ExecutionId} failed; the cycle goes on")]
    public static partial void ExecutionReconcileFailed(ILogger logger, Exception exception, string executionId);

    [LoggerMessage(203, LogLevel.Warning, "Intervention {Action} on {Target}: {Outcome}")]
    public static partial void InterventionDone(ILogger logger, string action, string target, string outcome);

    [LoggerMessage(204, LogLevel.Error, "Intervention {Action} on {Target} failed")]
    public static partial void InterventionFailed(ILogger logger, Exception exception, string action, string target);

    [LoggerMessage(205, LogLevel.Information, "This replica ({Identity}) leads through lease {Lease}: it may intervene")]
    public static partial void LeadershipGained(ILogger logger, string identity, string lease);

    [LoggerMessage(206, LogLevel.Information, "This replica ({Identity}) no longer leads through lease {Lease}: interventions stop")]
    public static partial void LeadershipLost(ILogger logger, string identity, string lease);

    [LoggerMessage(207, LogLevel.Error, "Leader election on lease {Lease} failed; retrying in {Seconds:0.#} s. This replica does not intervene meanwhile")]
    public static partial void ElectionFailed(ILogger logger, Exception exception, string lease, double seconds);

    [LoggerMessage(208, LogLevel.Debug, "Leader election on lease {Lease} still fails: {Message}")]
    public static partial void ElectionStillFailing(ILogger logger, string lease, string message);

    [LoggerMessage(209, LogLevel.Information, "Leader election on lease {Lease} works again")]
    public static partial void ElectionRecovered(ILogger logger, string lease);

    [LoggerMessage(210, LogLevel.Error, "A {Event} handler threw; leader election goes on")]
    public static partial void LeadershipHandlerFailed(ILogger logger, Exception exception, string @event);
}
