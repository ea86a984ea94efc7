namespace ExecutionSentinel.History;

/// <summary>
/// What was learned about one key (a DAG node or a task type) from earlier runs: how many durations, their median, a high
/// quantile and a robust spread.
/// </summary>
/// <remarks>Public because detectors read it from <c>DetectionContext.Baselines</c> and an application's store builds it.</remarks>
public sealed class DurationBaseline
{
    /// <summary>The quantile <see cref="HighQuantile"/> stands for: 0.95.</summary>
    public const double HighQuantileLevel = 0.95;

    /// <summary>How many durations it was learned from.</summary>
    public int Count { get; init; }

    /// <summary>The median duration.</summary>
    public TimeSpan Median { get; init; }

    /// <summary>The 95th percentile (nearest rank): how long the slow end of normal takes.</summary>
    public TimeSpan HighQuantile { get; init; }

    /// <summary>The median absolute deviation from <see cref="Median"/>: a spread that a few outliers do not move.</summary>
    public TimeSpan MedianAbsoluteDeviation { get; init; }

    /// <summary>Computes a baseline from durations; <see langword="null"/> when there are none.</summary>
    /// <param name="durations">The durations, in any order; negative ones are ignored.</param>
    /// <returns>The baseline.</returns>
    public static DurationBaseline? FromDurations(IEnumerable<TimeSpan> durations)
    {
        ArgumentNullException.ThrowIfNull(durations);
        var sorted = durations.Where(d => d >= TimeSpan.Zero).Select(d => d.Ticks).ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        Array.Sort(sorted);
        var median = MedianOfSorted(sorted);
        var deviations = sorted.Select(t => Math.Abs(t - median)).ToArray();
        Array.Sort(deviations);
        var rank = (int)Math.Ceiling(HighQuantileLevel * sorted.Length);
        return new DurationBaseline
        {
            Count = sorted.Length,
            Median = TimeSpan.FromTicks(median),
            HighQuantile = TimeSpan.FromTicks(sorted[Math.Clamp(rank, 1, sorted.Length) - 1]),
            MedianAbsoluteDeviation = TimeSpan.FromTicks(MedianOfSorted(deviations)),
        };
    }

    private static long MedianOfSorted(long[] sorted)
    {
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : sorted[middle - 1] + ((sorted[middle] - sorted[middle - 1]) / 2);
    }
}
