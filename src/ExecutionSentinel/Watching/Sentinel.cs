using System.Runtime.CompilerServices;
using System.Diagnostics;
using ExecutionSentinel.Detection;
using ExecutionSentinel.History;
using ExecutionSentinel.Observability;
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
    /// <summary>How often the loop looks while it waits, after the engine's signal, for tasks still shown unfinished.</summary>
    private static readonly TimeSpan FinishingTick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinimumTick = TimeSpan.FromMilliseconds(100);

    /// <summary>The least time an observation gets, even at the watch's deadline.</summary>
    private static readonly TimeSpan LastLookBudget = TimeSpan.FromSeconds(5);

    /// <summary>How long disposing a probe session may take before the watch lets go of it.</summary>
    private static readonly TimeSpan DisposeBound = TimeSpan.FromSeconds(5);

    private readonly IClusterProbe _probe;
    private readonly IReadOnlyList<IAnomalyDetector> _detectors;
    private readonly IOptionsMonitor<SentinelOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SentinelTelemetry _telemetry;
    private readonly SentinelHealth _health;
    private readonly ExecutionSentinel.Checkpoints.ICheckpointStore? _checkpoints;
    private readonly IReadOnlyList<ExecutionSentinel.Detectors.IDetectorSwitch> _switches;
    private readonly IDurationBaselineStore? _baselines;
    private readonly IOptionsMonitor<DurationHistoryOptions>? _historyOptions;

    public Sentinel(
        IClusterProbe probe,
        IEnumerable<IAnomalyDetector> detectors,
        IOptionsMonitor<SentinelOptions> options,
        TimeProvider time,
        ILogger<Sentinel>? logger = null,
        SentinelTelemetry? telemetry = null,
        SentinelHealth? health = null,
        ExecutionSentinel.Checkpoints.ICheckpointStore? checkpoints = null,
        IEnumerable<ExecutionSentinel.Detectors.IDetectorSwitch>? switches = null,
        IDurationBaselineStore? baselines = null,
        IOptionsMonitor<DurationHistoryOptions>? historyOptions = null)
    {
        _baselines = baselines;
        _historyOptions = historyOptions;
        _switches = switches?.ToArray() ?? [];
        _checkpoints = checkpoints;
        _probe = probe;
        _detectors = detectors.ToArray();
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _telemetry = telemetry ?? new SentinelTelemetry();
        _health = health ?? new SentinelHealth();
    }

    public IAsyncEnumerable<SentinelReport> WatchAsync(MonitoringContext context, CancellationToken cancellationToken = default)
    {
        // Validation is eager (this method is not an iterator): a bad context or bad options fail at the call,
        // before anything is watched, instead of at the first MoveNextAsync.
        ArgumentNullException.ThrowIfNull(context);
        context.EnsureValid();
        var options = _options.CurrentValue;
        var history = WatchHistory.For(context, _baselines, _historyOptions?.CurrentValue ?? new DurationHistoryOptions(), _logger, _telemetry);
        return WatchCoreAsync(context, options, EnabledDetectors(), history, cancellationToken);
    }

    /// <summary>
    /// The detectors this watch runs: those whose options say <c>Enabled</c>, read once at the start (and validated there,
    /// so that a bad detector option fails the call, not a tick).
    /// </summary>
    private IReadOnlyList<IAnomalyDetector> EnabledDetectors()
    {
        if (_switches.Count == 0)
        {
            return _detectors;
        }

        var disabled = _switches.Where(s => !s.Enabled).Select(s => s.DetectorType).ToHashSet();
        return disabled.Count == 0 ? _detectors : [.. _detectors.Where(d => !disabled.Contains(d.GetType()))];
    }

    private async IAsyncEnumerable<SentinelReport> WatchCoreAsync(
        MonitoringContext context,
        SentinelOptions options,
        IReadOnlyList<IAnomalyDetector> detectors,
        WatchHistory? history,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = new WatchRun(context, options, detectors, _time.GetUtcNow(), _logger);
        Log.WatchStarted(_logger, context.Namespace, context.EnginePodName, context.TaskInventory.Count);
        using var watchActivity = SentinelTelemetry.Tracing.StartActivity("watch", ActivityKind.Internal);
        watchActivity?.SetTag("k8s.namespace.name", context.Namespace);
        watchActivity?.SetTag("execution_sentinel.tasks", context.TaskInventory.Count);
        var healthId = _health.Begin(context.Namespace);
        var checkpointKey = $"{context.Namespace}/{context.EnginePodName}";
        if (_checkpoints is not null)
        {
            run.MakeResumable(await LoadCheckpointAsync(checkpointKey, context, cancellationToken).ConfigureAwait(false));
        }

        if (history is not null)
        {
            await history.LoadAsync(run, cancellationToken).ConfigureAwait(false);
        }

        WatchOutcome? outcome = null;

        var tracked = 0L;
        IClusterProbeSession? session = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tickStartedAt = _time.GetUtcNow();
                ClusterObservation? observation = null;
                string? error = null;
                AccessDenial? denied = null;
                var observeActivity = SentinelTelemetry.Tracing.StartActivity("observe", ActivityKind.Internal);
                var timestamp = _time.GetTimestamp();
                // Every observation has a deadline of the loop's own (a client call may ignore its token): a stuck one is a
                // failed observation, and neither the watch's timeout nor the consumer's cancellation waits for it.
                // The last look, at the deadline itself, still gets a few seconds: it may find the engine's signal.
                var budget = Min(options.ObservationTimeout, Max(run.Deadline - tickStartedAt, LastLookBudget));
                using var observing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                try
                {
                    if (session is null)
                    {
                        var attaching = _probe.AttachAsync(context, observing.Token).AsTask();
                        session = await Bounded(attaching, budget, observing, "attaching to the cluster", cancellationToken).ConfigureAwait(false);
                    }

                    observation = await Bounded(session.ObserveAsync(observing.Token).AsTask(), budget, observing, "observing the cluster", cancellationToken).ConfigureAwait(false);
                    observeActivity?.SetTag("execution_sentinel.tasks.observed", observation.Tasks.Count);
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
                    denied = (ex as ClusterAccessDeniedException)?.Denial;
                    observeActivity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    Log.ObservationFailed(_logger, ex, context.Namespace, run.ConsecutiveFailures + 1);
                }
                finally
                {
                    observeActivity?.Dispose();
                }

                _telemetry.ObservationDuration.Record(_time.GetElapsedTime(timestamp).TotalSeconds);
                _telemetry.Observations.Add(1, new KeyValuePair<string, object?>("outcome", observation is null ? "failure" : "success"));
                var now = _time.GetUtcNow();
                var reports = run.Tick(observation, error, now, denied);

                _telemetry.TasksTracked.Add(run.TrackedTasks - tracked);
                tracked = run.TrackedTasks;
                _health.Update(healthId, run.ConsecutiveFailures >= options.ConnectivityFailureThreshold, error);
                foreach (var report in reports)
                {
                    outcome = report.IsTerminal ? report.Summary?.Outcome : outcome;
                    _telemetry.Reports.Add(1, new KeyValuePair<string, object?>("kind", report.Kind.Name), new KeyValuePair<string, object?>("severity", report.Severity.ToString()));
                    yield return report;

                    // The consumer came back for more: it has this report. Only now may a checkpoint count it as said.
                    run.MarkTaken(report);
                    if (report.IsTerminal)
                    {
                        Log.WatchEnded(_logger, context.Namespace, report.Kind.Name);
                        yield break;
                    }
                }

                if (_checkpoints is not null && run.HasUnsavedReports)
                {
                    await SaveCheckpointAsync(checkpointKey, run, _time.GetUtcNow(), context, cancellationToken).ConfigureAwait(false);
                }

                now = _time.GetUtcNow();
                if (now >= run.Deadline)
                {
                    var timedOut = run.TimeOut(now);
                    outcome = timedOut.Summary?.Outcome;
                    Log.WatchEnded(_logger, context.Namespace, timedOut.Kind.Name);
                    _telemetry.Reports.Add(1, new KeyValuePair<string, object?>("kind", timedOut.Kind.Name), new KeyValuePair<string, object?>("severity", timedOut.Severity.ToString()));
                    yield return timedOut;
                    yield break;
                }

                // After the engine's signal, look again soon for the tasks the API server still shows unfinished.
                var nextTick = tickStartedAt + (run.IsFinishing && options.PollInterval > FinishingTick ? FinishingTick : options.PollInterval);
                if (run.WakeRequest is { } wake && wake < nextTick)
                {
                    // A detector knows when something becomes due; never sooner than the shortest poll interval, so that a
                    // detector asking for a time already past cannot make the loop spin.
                    nextTick = wake > tickStartedAt + MinimumTick ? wake : tickStartedAt + MinimumTick;
                }
                var tickAt = nextTick < run.Deadline ? nextTick : run.Deadline;
                if (tickAt > now)
                {
                    // A failed observation keeps the poll's pace: connectivity is judged on it, and a change cannot be seen anyway.
                    var notifier = options.TickOnChange && run.ConsecutiveFailures == 0 ? session as IClusterChangeNotifier : null;
                    await WaitForTickAsync(notifier, tickAt, options.ChangeDebounce, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (_checkpoints is not null && run.HasUnsavedReports)
            {
                // The consumer stopped mid-tick: keep what it took, within a bound of our own (its token may be cancelled).
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await SaveCheckpointAsync(checkpointKey, run, _time.GetUtcNow(), context, bound.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The store did not answer in time: those reports may be said again after a restart (at least once).
                }
            }

            if (history is not null && outcome is { } ended)
            {
                // The run ended (its terminal report was handed out): it may teach the workflow's history. In the finally, so
                // that a consumer that stops reading at the summary still has it recorded when its enumerator is disposed.
                await history.RecordAsync(run, ended, _time.GetUtcNow()).ConfigureAwait(false);
            }

            _health.End(healthId);
            _telemetry.TasksTracked.Add(-tracked);
            if (session is not null)
            {
                try
                {
                    // Bounded: a request stuck in a client that ignores cancellation must not hold the consumer's dispose.
                    await session.DisposeAsync().AsTask().WaitAsync(DisposeBound, _time).ConfigureAwait(false);
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

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// Waits for <paramref name="work"/> at most <paramref name="budget"/> on the sentinel's clock; past it, cancels the
    /// work (which may or may not listen) and fails. An abandoned attach is disposed when it completes, so no session leaks.
    /// </summary>
    private async Task<T> Bounded<T>(Task<T> work, TimeSpan budget, CancellationTokenSource observing, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await work.WaitAsync(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await observing.CancelAsync().ConfigureAwait(false);
            _ = work.ContinueWith(
                static done =>
                {
                    if (done.IsCompletedSuccessfully && done.Result is IAsyncDisposable abandoned)
                    {
                        _ = abandoned.DisposeAsync().AsTask();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            if (ex is TimeoutException)
            {
                throw new TimeoutException($"{char.ToUpperInvariant(what[0])}{what[1..]} took longer than {Format.Duration(budget)}; the watch goes on.", ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="tickAt"/>, or, when the probe says something that matters changed before then, until
    /// <paramref name="debounce"/> after that change (never past <paramref name="tickAt"/>): a burst of events makes one tick.
    /// </summary>
    private async Task WaitForTickAsync(IClusterChangeNotifier? notifier, DateTimeOffset tickAt, TimeSpan debounce, CancellationToken cancellationToken)
    {
        var wait = tickAt - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return; // The clock moved on since the caller looked (an accelerated or a busy one): tick now.
        }

        if (notifier is null)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poll = Task.Delay(wait, _time, waiting.Token);
        Task change;
        try
        {
            change = notifier.WaitForChangeAsync(waiting.Token);
        }
#pragma warning disable CA1031 // A probe's faulty notifier must not end the watch: the poll still ticks.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ChangeNotifierFailed(_logger, ex);
            change = Task.Delay(Timeout.InfiniteTimeSpan, waiting.Token);
        }

        var first = await Task.WhenAny(poll, change).ConfigureAwait(false);
        // The other wait ends (a notifier that ignores it is not awaited). Synchronously: an await here would let a fake
        // clock move on before the debounce below is armed.
#pragma warning disable CA1849
        waiting.Cancel();
#pragma warning restore CA1849
        cancellationToken.ThrowIfCancellationRequested();
        if (first == change && change.IsCompletedSuccessfully)
        {
            var left = tickAt - _time.GetUtcNow();
            var settle = debounce < left ? debounce : left;
            if (settle > TimeSpan.Zero)
            {
                await Task.Delay(settle, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ExecutionSentinel.Checkpoints.WatchCheckpoint?> LoadCheckpointAsync(string key, MonitoringContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await _checkpoints!.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An unreadable checkpoint means starting afresh, not failing the watch.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(_logger, ex, context.Namespace);
            return null;
        }
    }

    private async Task SaveCheckpointAsync(string key, WatchRun run, DateTimeOffset now, MonitoringContext context, CancellationToken cancellationToken)
    {
        try
        {
            await _checkpoints!.SaveAsync(
                key,
                new ExecutionSentinel.Checkpoints.WatchCheckpoint { Reported = [.. run.Reported], Progress = run.Progress, SavedAt = now },
                cancellationToken).ConfigureAwait(false);
            run.MarkSaved();
        }
#pragma warning disable CA1031 // A failed save costs duplicates after a crash, never the watch.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(_logger, ex, context.Namespace);
        }
    }
}
