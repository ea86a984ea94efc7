using System.Text;
using ExecutionSentinel.Probing;
using k8s;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExecutionSentinel.Kubernetes.Signals;

/// <summary>
/// Reads the engine's completion signal by running <c>cat</c> in the engine container, as the old conductor did with
/// <c>kubectl exec</c>. A missing file, an empty file or a failed exec all mean "not yet"; garbage is passed on for the
/// sentinel to report as unreadable.
/// </summary>
internal sealed class EngineSignalReader(IKubernetes client, ResiliencePipeline pipeline, KubernetesProbeOptions options, ILogger logger)
{
    /// <summary>More than this is not an exit code; it is read no further.</summary>
    private const int MaxSignalBytes = 4096;

    /// <summary>Reads the signal, and learns on the way whether the engine pod exists.</summary>
    public async Task<EngineReading> ReadAsync(MonitoringContext context, IReadOnlyCollection<TaskObservation> tasks, CancellationToken cancellationToken)
    {
        var file = await CatAsync(context, options.SignalFile, cancellationToken).ConfigureAwait(false);
        if (file.Content is { } content)
        {
            // An empty file is one being written (the shell creates it before echo writes): not yet.
            return new EngineReading(content.Trim().Length == 0 ? null : EngineSignal.Parse(content), EnginePodPresent: true);
        }

        if (!file.Reached)
        {
            // Only a failed exec needs a look at the pod itself: is it gone, or was the call unlucky?
            return new EngineReading(null, await EnginePodPresentAsync(context, cancellationToken).ConfigureAwait(false));
        }

        if (options.CompletionMarkerFile is { } marker && (await CatAsync(context, marker, cancellationToken).ConfigureAwait(false)).Content is not null)
        {
            var failed = tasks.Count(t => t.Phase == TaskPhase.Failed);
            return new EngineReading(new EngineSignal(failed > 0 ? 1 : 0, $"{marker} present ({failed} failed tasks seen; exit code inferred)"), EnginePodPresent: true);
        }

        return new EngineReading(null, EnginePodPresent: true); // cat ran: the pod is there, the file is not yet.
    }

    /// <summary>Whether the engine pod exists: false only when the API server says 404; null when it cannot tell.</summary>
    private async Task<bool?> EnginePodPresentAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.ExecuteAsync(
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
            return await pipeline.ExecuteAsync(
                async ct =>
                {
                    string? stdout = null;
                    var exitCode = await client.NamespacedPodExecAsync(
                        context.EnginePodName,
                        context.Namespace,
                        context.EngineContainer,
                        ["cat", path],
                        tty: false,
                        async (stdin, output, error) =>
                        {
                            // Both streams are drained together: a full stderr buffer would stall stdout.
                            var read = ReadLimitedAsync(output, ct);
                            await ReadLimitedAsync(error, ct).ConfigureAwait(false);
                            stdout = await read.ConfigureAwait(false);
                        },
                        ct).ConfigureAwait(false);
                    return new CatResult(exitCode == 0 ? stdout ?? "" : null, Reached: true);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.SignalReadFailed(logger, ex, path, context.EnginePodName, context.EngineContainer);
            return new CatResult(null, Reached: false);
        }
    }

    private readonly record struct CatResult(string? Content, bool Reached);

    private static async Task<string> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxSignalBytes];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                // Drain the rest so the exec can finish, without keeping it.
                var sink = new byte[4096];
                while (await stream.ReadAsync(sink, cancellationToken).ConfigureAwait(false) > 0)
                {
                }

                break;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}

/// <summary>What one read of the engine told: its signal, if any, and whether its pod exists (null: cannot tell).</summary>
internal readonly record struct EngineReading(EngineSignal? Signal, bool? EnginePodPresent);
