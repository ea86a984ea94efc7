using ExecutionSentinel.History;

namespace ExecutionSentinel.Evaluation;

/// <summary>
/// The history kept in memory, through the public store contract (<c>UseDurationBaselines</c>), as an application's own
/// database would be. In memory, not in the file store, because its answers complete at once: <c>SimulatedWatch</c> moves
/// fake time on whenever a watch waits, so a store that waits on real I/O at a watch's start lets the replayed run go
/// ahead of the watch (measured: with the file store the judged watches started after most of their run had passed).
/// </summary>
internal sealed class MemoryBaselineStore(int maxRuns) : IDurationBaselineStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<RunDurations>> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DurationBaselines> _learned = new(StringComparer.Ordinal);

    public ValueTask<DurationBaselines> LoadAsync(string workflowName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_learned.TryGetValue(workflowName, out var baselines))
            {
                baselines = _runs.TryGetValue(workflowName, out var runs) ? DurationBaselines.FromRuns(workflowName, runs) : DurationBaselines.Empty(workflowName);
                _learned[workflowName] = baselines;
            }

            return ValueTask.FromResult(baselines);
        }
    }

    public ValueTask RecordAsync(string workflowName, RunDurations run, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(workflowName, out var runs))
            {
                _runs[workflowName] = runs = [];
            }

            runs.Add(run);
            if (runs.Count > maxRuns)
            {
                runs.RemoveAt(0);
            }

            _learned.Remove(workflowName);
            return ValueTask.CompletedTask;
        }
    }
}
