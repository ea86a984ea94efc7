using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Kubernetes;

/// <summary>The Kubernetes probe's log messages. Never logs tokens or kubeconfig contents: only names, counts and versions.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Listed {Count} {Resource} in namespace {Namespace} at resource version {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, string @namespace, int count, string? resourceVersion);

    [LoggerMessage(101, LogLevel.Information, "The watch of {Resource} in namespace {Namespace} was silent for {Seconds} s; restarting it")]
    public static partial void WatchStale(ILogger logger, string resource, string @namespace, double seconds);

    [LoggerMessage(102, LogLevel.Information, "The watch of {Resource} in namespace {Namespace} is too old (410 Gone at resource version {ResourceVersion}); relisting")]
    public static partial void WatchGone(ILogger logger, string resource, string @namespace, string? resourceVersion);

    [LoggerMessage(103, LogLevel.Warning, "Following {Resource} in namespace {Namespace} failed ({FailuresInARow} in a row); relisting after a back-off")]
    public static partial void InformerFailed(ILogger logger, Exception exception, string resource, string @namespace, int failuresInARow);

    [LoggerMessage(104, LogLevel.Debug, "Reading {Path} in pod {Pod} (container {Container}) failed; the engine has not signalled yet")]
    public static partial void SignalReadFailed(ILogger logger, Exception exception, string path, string pod, string container);

    [LoggerMessage(105, LogLevel.Information, "Attached to namespace {Namespace} in {Mode} mode: {Pods} task pods and {Jobs} task Jobs")]
    public static partial void Attached(ILogger logger, string @namespace, KubernetesProbeMode mode, int pods, int jobs);
}
