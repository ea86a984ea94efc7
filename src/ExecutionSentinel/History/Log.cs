using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.History;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "History of workflow {Workflow} loaded: {Runs} runs, {Nodes} nodes, {Types} types")]
    public static partial void BaselinesLoaded(ILogger logger, string workflow, int runs, int nodes, int types);

    [LoggerMessage(102, LogLevel.Warning, "History of workflow {Workflow} unavailable ({Reason}); the watch uses in-run expectations")]
    public static partial void BaselinesUnavailable(ILogger logger, Exception? exception, string workflow, string reason);

    [LoggerMessage(103, LogLevel.Information, "Run of workflow {Workflow} added to its history ({Tasks} task durations)")]
    public static partial void RunLearned(ILogger logger, string workflow, int tasks);

    [LoggerMessage(104, LogLevel.Information, "Run of workflow {Workflow} not added to its history: it ended {Outcome} and learning is {Learning}")]
    public static partial void RunNotLearned(ILogger logger, string workflow, WatchOutcome outcome, DurationLearning learning);

    [LoggerMessage(105, LogLevel.Warning, "Adding the run of workflow {Workflow} to its history failed; the run is not learned")]
    public static partial void RecordFailed(ILogger logger, Exception exception, string workflow);
}
