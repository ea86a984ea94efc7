using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the TaskFailure detector and its options (section <c>Detectors:TaskFailure</c>).</summary>
internal static class TaskFailureDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "TaskFailure";

    public static SentinelBuilder AddTaskFailureDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<TaskFailureDetector, TaskFailureDetectorOptions>(Name);
}
