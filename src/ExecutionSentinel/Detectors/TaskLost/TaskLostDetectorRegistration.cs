using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the TaskLost detector and its options (section <c>Detectors:TaskLost</c>).</summary>
internal static class TaskLostDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "TaskLost";

    public static SentinelBuilder AddTaskLostDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<TaskLostDetector, TaskLostDetectorOptions>(Name);
}
