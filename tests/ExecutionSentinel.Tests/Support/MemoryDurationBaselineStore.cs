using ExecutionSentinel.History;

namespace ExecutionSentinel.Tests.Support;

/// <summary>A history in memory, as an application's own store would keep it: the last runs per workflow, answered with FromRuns.</summary>
internal sealed class MemoryDurationBaselineStore(int maxRuns = 20) : IDurationBaselineStore
{
    private readonly Dictionary<string, List<RunDurations>> _runs = new(StringComparer.Ordinal);

    public int Loads { get; private set; }

    public IReadOnlyList<RunDurations> RunsOf(string workflow)
    {
        lock (_runs)
        {
            return _runs.TryGetValue(workflow, out var runs) ? [.. runs] : [];
        }
    }

    public ValueTask<DurationBaselines> LoadAsync(string workflowName, CancellationToken cancellationToken)
    {
        lock (_runs)
        {
            Loads++;
            return ValueTask.FromResult(DurationBaselines.FromRuns(workflowName, _runs.TryGetValue(workflowName, out var runs) ? runs : []));
        }
    }

    public ValueTask RecordAsync(string workflowName, RunDurations run, CancellationToken cancellationToken)
    {
        lock (_runs)
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
        }

        return ValueTask.CompletedTask;
    }
}
