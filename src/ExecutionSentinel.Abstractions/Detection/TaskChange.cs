using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Detection;

/// <summary>A task whose observed state changed since the previous tick.</summary>
/// <remarks>Public because detectors read it from <see cref="DetectionContext.Changes"/>.</remarks>
public readonly struct TaskChange
{
    internal TaskChange(TaskObservation? previous, TaskObservation current)
    {
        Previous = previous;
        Current = current;
    }

    /// <summary>The state before, or <see langword="null"/> for a task seen for the first time.</summary>
    public TaskObservation? Previous { get; }

    /// <summary>The state now.</summary>
    public TaskObservation Current { get; }

    /// <summary>Whether the task just entered <paramref name="phase"/>.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns><see langword="true"/> when the task is in <paramref name="phase"/> now and was not before.</returns>
    public bool Entered(TaskPhase phase) => Current.Phase == phase && Previous?.Phase != phase;

    /// <summary>Whether the task just finished.</summary>
    public bool JustFinished => Current.IsFinished && Previous?.IsFinished != true;
}
