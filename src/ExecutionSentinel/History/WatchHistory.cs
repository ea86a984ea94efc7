using ExecutionSentinel.Observability;
using ExecutionSentinel.Watching;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.History;

/// <summary>
/// One watch's use of its workflow's history: loads the baselines once when the watch starts, and records the run when it
/// ends, each bounded by a deadline in real time (the store works in real time, whatever clock the watch runs on: a demo's
/// accelerated clock or a test's fake one must not cut a disk read short). A store that is slow, throws or returns nothing
/// leaves the watch with in-run expectations and one history-unavailable report; it never hangs or ends the watch.
/// </summary>
internal sealed class WatchHistory
{
    private readonly IDurationBaselineStore _store;
    private readonly DurationHistoryOptions _options;
    private readonly string _workflow;
    private readonly ILogger _logger;
    private readonly SentinelTelemetry _telemetry;

    private WatchHistory(IDurationBaselineStore store, DurationHistoryOptions options, string workflow, ILogger logger, SentinelTelemetry telemetry)
    {
        _store = store;
        _options = options;
        _workflow = workflow;
        _logger = logger;
        _telemetry = telemetry;
    }

    /// <summary>The history of a watch, or <see langword="null"/> when it has none (no workflow name, or no store).</summary>
    public static WatchHistory? For(MonitoringContext context, IDurationBaselineStore? store, DurationHistoryOptions options, ILogger logger, SentinelTelemetry telemetry) =>
        store is not null && context.WorkflowName is { } workflow ? new WatchHistory(store, options, workflow, logger, telemetry) : null;

    /// <summary>Loads the baselines into <paramref name="run"/>, or announces that they are unavailable.</summary>
    public async Task LoadAsync(WatchRun run, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.LoadTimeout);
        string reason;
        Exception? error = null;
        try
        {
            // WaitAsync as well as the token: a store that ignores its token is still left behind at the deadline.
            var baselines = await _store.LoadAsync(_workflow, deadline.Token).AsTask().WaitAsync(_options.LoadTimeout, cancellationToken).ConfigureAwait(false);
            if (baselines is not null)
            {
                run.UseBaselines(baselines);
                Count("load", "success");
                Log.BaselinesLoaded(_logger, _workflow, baselines.Runs, baselines.Nodes.Count, baselines.Types.Count);
                return;
            }

            reason = "the store returned nothing";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            reason = $"the store did not answer within {Format.Duration(_options.LoadTimeout)}";
        }
#pragma warning disable CA1031 // Any failure of the store costs the history, never the watch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
            reason = $"{ex.GetType().Name}: {ex.Message}";
        }

        Count("load", error is null ? "timeout" : "failure");
        Log.BaselinesUnavailable(_logger, error, _workflow, reason);
        run.Announce(
            ReportKind.HistoryUnavailable,
            ReportSeverity.Warning,
            $"The history of workflow '{_workflow}' could not be loaded ({reason}): this watch expects each task to take what its type takes in this run.",
            new Dictionary<string, string> { ["workflow"] = _workflow, ["reason"] = reason });
    }

    /// <summary>Adds the ended run to the history, when the options say it should learn from a run that ended so.</summary>
    public async Task RecordAsync(WatchRun run, WatchOutcome outcome, DateTimeOffset endedAt)
    {
        if (_options.Learning == DurationLearning.Off || (_options.Learning == DurationLearning.CompletedRuns && outcome != WatchOutcome.Completed))
        {
            Log.RunNotLearned(_logger, _workflow, outcome, _options.Learning);
            return;
        }

        var durations = run.LearnedDurations(endedAt, outcome);
        if (durations.Tasks.Count == 0)
        {
            return;
        }

        // The consumer's token may be cancelled already (it stopped reading at the summary): the deadline is our own.
        using var deadline = new CancellationTokenSource(_options.SaveTimeout);
        try
        {
            await _store.RecordAsync(_workflow, durations, deadline.Token).AsTask().WaitAsync(_options.SaveTimeout).ConfigureAwait(false);
            Count("record", "success");
            Log.RunLearned(_logger, _workflow, durations.Tasks.Count);
        }
#pragma warning disable CA1031 // A run that cannot be kept is a lost lesson, not a failed watch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Count("record", ex is TimeoutException or OperationCanceledException ? "timeout" : "failure");
            Log.RecordFailed(_logger, ex, _workflow);
        }
    }

    private void Count(string operation, string outcome) =>
        _telemetry.HistoryOperations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
}
