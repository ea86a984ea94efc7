using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Watching;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Watch of workflow in namespace {Namespace} (engine pod {EnginePod}, {TaskCount} tasks) started")]
    public static partial void WatchStarted(ILogger logger, string @namespace, string enginePod, int taskCount);

    [LoggerMessage(2, LogLevel.Information, "Watch of workflow in namespace {Namespace} ended: {Kind}")]
    public static partial void WatchEnded(ILogger logger, string @namespace, string kind);

    [LoggerMessage(3, LogLevel.Warning, "Observation of namespace {Namespace} failed ({ConsecutiveFailures} in a row)")]
    public static partial void ObservationFailed(ILogger logger, Exception exception, string @namespace, int consecutiveFailures);

    [LoggerMessage(4, LogLevel.Error, "Detector {Detector} threw; it is isolated and the watch goes on")]
    public static partial void DetectorFaulted(ILogger logger, Exception exception, string detector);

    [LoggerMessage(5, LogLevel.Warning, "Disposing the probe session of namespace {Namespace} failed")]
    public static partial void ProbeDisposeFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(7, LogLevel.Warning, "The engine's signal in namespace {Namespace} cannot be read: {Reason}")]
    public static partial void SignalReadFailed(ILogger logger, string @namespace, string reason);

    [LoggerMessage(8, LogLevel.Error, "Access denied in namespace {Namespace}: {Denial}")]
    public static partial void AccessDenied(ILogger logger, string @namespace, string denial);

    [LoggerMessage(6, LogLevel.Warning, "Reading or writing the checkpoint of namespace {Namespace} failed; the watch goes on")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(9, LogLevel.Warning, "The probe's change notifier failed; the watch ticks at its poll interval")]
    public static partial void ChangeNotifierFailed(ILogger logger, Exception exception);
}
