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
}
