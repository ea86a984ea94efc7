namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>
/// Maps what a cluster object says about its task type back to the inventory's spelling: an explicit label
/// wins; else HyperFlow's lossy Job-name type (<c>mutation-overlap</c>) is matched to <c>mutation_overlap</c>.
/// </summary>
internal sealed class TaskTypeResolver
{
    private readonly Dictionary<string, string> _byNormalized = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ambiguous = new(StringComparer.Ordinal);

    public TaskTypeResolver(IEnumerable<string> inventoryTypes)
    {
        foreach (var type in inventoryTypes)
        {
            var normalized = HyperFlowJobName.Normalize(type);
            if (_byNormalized.TryGetValue(normalized, out var existing) && existing != type)
            {
                _ambiguous.Add(normalized);
            }

            _byNormalized.TryAdd(normalized, type);
        }
    }

    /// <summary>Resolves a task's type.</summary>
    /// <param name="labelValue">The value of the configured task-type label, if any.</param>
    /// <param name="jobName">The task's Job name.</param>
    /// <returns>The inventory type; the name's own spelling when no inventory type matches; <see langword="null"/> when neither says.</returns>
    public string? Resolve(string? labelValue, string? jobName)
    {
        if (!string.IsNullOrEmpty(labelValue))
        {
            return _byNormalized.TryGetValue(HyperFlowJobName.Normalize(labelValue), out var labelled) ? labelled : labelValue;
        }

        if (HyperFlowJobName.TryParse(jobName) is not { } parsed)
        {
            return null;
        }

        return !_ambiguous.Contains(parsed.NormalizedType) && _byNormalized.TryGetValue(parsed.NormalizedType, out var type)
            ? type
            : parsed.NormalizedType;
    }
}
