namespace ExecutionSentinel;

/// <summary>Task counts of a workflow at one moment.</summary>
/// <param name="Completed">Tasks that finished successfully.</param>
/// <param name="Failed">Tasks that finished in failure.</param>
/// <param name="Running">Tasks running now.</param>
/// <param name="Total">Tasks the workflow runs (the inventory's size, or the tasks seen when there is no inventory).</param>
public readonly record struct ProgressCounts(int Completed, int Failed, int Running, int Total)
{
    /// <summary>Tasks that finished, successfully or not.</summary>
    public int Finished => Completed + Failed;

    /// <summary>The share of tasks that failed, 0 when there are none.</summary>
    public double FailedRatio => Total == 0 ? 0 : (double)Failed / Total;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Completed}/{Total} completed, {Failed} failed, {Running} running";
}
