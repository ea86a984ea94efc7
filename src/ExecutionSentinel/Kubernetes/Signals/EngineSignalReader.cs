using ExecutionSentinel.Probing;
using k8s;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExecutionSentinel.Kubernetes.Signals;

/// <summary>
/// Reads the engine's completion signal by running <c>cat</c> in the engine container, as the old conductor did with
/// <c>kubectl exec</c>. A missing or empty file means "not yet"; garbage is passed on for the sentinel to report as
/// unreadable; a read that cannot be done (no such container, exec refused, the call failed) is a
/// <see cref="SignalReadFailure"/>, which is not "not yet": the engine may have finished unseen. It only reads: what the
/// signal means for the workflow (an exit code inferred from a marker) is the watch's business.
/// </summary>
internal sealed class EngineSignalReader(IKubernetes client, ResiliencePipeline execPipeline, ResiliencePipeline readPipeline, KubernetesProbeOptions options, ILogger logger)
{
    /// <summary>More than this is not an exit code; it is read no further.</summary>
    private const int MaxSignalBytes = 4096;

    /// <summary>Reads the signal, and learns on the way whether the engine pod exists.</summary>
    public async Task<EngineReading> ReadAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        var file = await CatAsync(context, options.SignalFile, cancellationToken).ConfigureAwait(false);
        if (file.Content is { } content)
        {
            // An empty file is one being written (the shell creates it before echo writes): not yet.
            return new EngineReading(content.Trim().Length == 0 ? null : EngineSignal.Parse(content), EnginePodPresent: true, null);
        }

        if (file.Error is { } error)
        {
            // Only a failed exec needs a look at the pod itself: is it gone, or is the read impossible?
            var present = await EnginePodPresentAsync(context, cancellationToken).ConfigureAwait(false);
            return new EngineReading(null, present, present == false ? null : Failure(context, options.SignalFile, error));
        }

        if (options.CompletionMarkerFile is { } marker)
        {
            var markerFile = await CatAsync(context, marker, cancellationToken).ConfigureAwait(false);
            if (markerFile.Content is not null)
            {
                return new EngineReading(EngineSignal.EndMarker($"{marker} present"), EnginePodPresent: true, null);
            }

            if (markerFile.Error is { } markerError)
            {
                return new EngineReading(null, EnginePodPresent: true, Failure(context, marker, markerError));
            }
        }

        return new EngineReading(null, EnginePodPresent: true, null); // cat ran: the pod is there, the file is not yet.
    }

    private static SignalReadFailure Failure(MonitoringContext context, string path, Exception error)
    {
        var denied = Connection.KubernetesFailures.AccessDenied(error, "create", "pods/exec", context.Namespace);
        var reason = denied is not null
            ? $"exec into pod '{context.EnginePodName}' is not allowed ({denied.Message}); grant 'create' on 'pods/exec'"
            : $"cannot read {path} in pod '{context.EnginePodName}', container '{context.EngineContainer}': {Describe(error)}";
        return new SignalReadFailure(reason, denied);
    }

    private static string Describe(Exception error) => error switch
    {
        k8s.KubernetesException { Status.Message: { Length: > 0 } message } => message,
        Polly.Timeout.TimeoutRejectedException or TimeoutException => "the exec did not answer in time",
        Polly.CircuitBreaker.BrokenCircuitException => "exec calls keep failing (circuit open)",
        _ => error.Message,
    };

    /// <summary>Whether the engine pod exists: false only when the API server says 404; null when it cannot tell.</summary>
    private async Task<bool?> EnginePodPresentAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        try
        {
            await readPipeline.ExecuteAsync(
                async ct => await client.CoreV1.ReadNamespacedPodAsync(context.EnginePodName, context.Namespace, cancellationToken: ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response?.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.SignalReadFailed(logger, ex, "(engine pod)", context.EnginePodName, context.EngineContainer);
            return null;
        }
    }

    /// <returns>The file's content (none when cat failed), and whether the container could be reached at all.</returns>
    private async Task<CatResult> CatAsync(MonitoringContext context, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await execPipeline.ExecuteAsync(
                async ct =>
                {
                    // PodExec aborts the socket when the attempt's token fires; WaitAsync keeps the wait bounded even if
                    // connecting ignored the token (a credential plugin, say).
                    var exec = await PodExec.RunAsync(
                        client, context.EnginePodName, context.Namespace, context.EngineContainer, ["cat", path], MaxSignalBytes, ct).WaitAsync(ct).ConfigureAwait(false);
                    return new CatResult(exec.ExitCode == 0 ? exec.Output : null, Error: null);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.SignalReadFailed(logger, ex, path, context.EnginePodName, context.EngineContainer);
            return new CatResult(null, ex);
        }
    }

    /// <param name="Content">The file's content; none when cat failed or the exec did.</param>
    /// <param name="Error">Why the exec failed, when it did (cat itself ran otherwise).</param>
    private readonly record struct CatResult(string? Content, Exception? Error);
}

/// <summary>What one read of the engine told: its signal, if any, whether its pod exists (null: cannot tell), and why it could not be read.</summary>
internal readonly record struct EngineReading(EngineSignal? Signal, bool? EnginePodPresent, SignalReadFailure? Failure);
