using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detection;

/// <summary>A task whose observed state changed since the previous tick.</summary>
/// <param name="Previous">The state before, or <see langword="null"/> for a task seen for the first time.</param>
/// <param name="Current">The state now.</param>
public readonly record struct TaskChange(TaskObservation? Previous, TaskObservation Current)
{
    /// <summary>Whether the task just entered <paramref name="phase"/>.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns><see langword="true"/> when the task is in <paramref name="phase"/> now and was not before.</returns>
    public bool Entered(TaskPhase phase) => Current.Phase == phase && Previous?.Phase != phase;

    /// <summary>Whether the task just finished.</summary>
    public bool JustFinished => Current.IsFinished && Previous?.IsFinished != true;
}
