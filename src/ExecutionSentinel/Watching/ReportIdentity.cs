using System.Globalization;

namespace ExecutionSentinel.Watching;

/// <summary>
/// What makes two reports the same report, for a resumed watch: the kind, the task, the type and the facts that tell one
/// occurrence from another (attempt, level, counts, the start of an episode; an outage by its time). Two distinct episodes
/// of the same kind must never share an identity, or a resumed watch would keep the second one quiet.
/// </summary>
internal static class ReportIdentity
{
    private static readonly string[] DistinguishingDetails = ["attempt", "level", "since", "tasks", "raw", "detector", "error", "finding", "reason", "verb", "resource"];

    public static string Of(SentinelReport report)
    {
        var parts = new List<string> { report.Kind.Name, report.TaskName ?? "", report.TaskType ?? "" };
        foreach (var key in DistinguishingDetails)
        {
            if (report.Details.TryGetValue(key, out var value))
            {
                parts.Add(key + "=" + value);
            }
        }

        if (report.Kind == ReportKind.Progress)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{report.Progress.Completed}/{report.Progress.Failed}"));
        }
        else if (report.Kind == ReportKind.ConnectivityLost || report.Kind == ReportKind.ConnectivityRestored)
        {
            parts.Add(report.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }

        return string.Join('|', parts);
    }
}
