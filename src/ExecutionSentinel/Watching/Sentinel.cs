using System.Runtime.CompilerServices;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watching;

/// <summary>
/// The tick loop: observe, diff, detect, yield, wait. Pull-based: the next observation is taken only after
/// the consumer has taken every report of the previous tick, so a slow consumer slows the loop and nothing
/// is buffered or dropped.
/// </summary>
internal sealed class Sentinel : ISentinel
{
    private readonly IClusterProbe _probe;
    private readonly IReadOnlyList<IAnomalyDetector> _detectors;
    private readonly IOptionsMonitor<SentinelOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public Sentinel(
        IClusterProbe probe,
        IEnumerable<IAnomalyDetector> detectors,
        IOptionsMonitor<SentinelOptions> options,
        TimeProvider time,
        ILogger<Sentinel>? logger = null)
    {
        _probe = probe;
        _detectors = detectors.ToArray();
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public IAsyncEnumerable<SentinelReport> WatchAsync(MonitoringContext context, CancellationToken cancellationToken = default)
    {
        // Validation is eager (this method is not an iterator): a bad context or bad options fail at the call,
        // before anything is watched, instead of at the first MoveNextAsync.
        ArgumentNullException.ThrowIfNull(context);
        context.EnsureValid();
        var options = _options.CurrentValue;
        return WatchCoreAsync(context, options, cancellationToken);
    }

    private async IAsyncEnumerable<SentinelReport> WatchCoreAsync(
        MonitoringContext context,
        SentinelOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = new WatchRun(context, options, _detectors, _time.GetUtcNow(), _logger);
        Log.WatchStarted(_logger, context.Namespace, context.EnginePodName, context.TaskInventory.Count);
        IClusterProbeSession? session = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tickStartedAt = _time.GetUtcNow();
                ClusterObservation? observation = null;
                string? error = null;
                try
                {
                    session ??= await _probe.AttachAsync(context, cancellationToken).ConfigureAwait(false);
                    observation = await session.ObserveAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // Any probe failure is a failed observation, counted towards connectivity loss.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    error = ex.Message;
                    Log.ObservationFailed(_logger, ex, context.Namespace, run.ConsecutiveFailures + 1);
                }

                var now = _time.GetUtcNow();
                foreach (var report in run.Tick(observation, error, now))
                {
                    yield return report;
                    if (report.IsTerminal)
                    {
                        Log.WatchEnded(_logger, context.Namespace, report.Kind.Name);
                        yield break;
                    }
                }

                now = _time.GetUtcNow();
                if (now >= run.Deadline)
                {
                    var timedOut = run.TimeOut(now);
                    Log.WatchEnded(_logger, context.Namespace, timedOut.Kind.Name);
                    yield return timedOut;
                    yield break;
                }

                var nextTick = tickStartedAt + options.PollInterval;
                var wait = (nextTick < run.Deadline ? nextTick : run.Deadline) - now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (session is not null)
            {
                try
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A failing dispose must not hide the watch's own outcome.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.ProbeDisposeFailed(_logger, ex, context.Namespace);
                }
            }
        }
    }
}
