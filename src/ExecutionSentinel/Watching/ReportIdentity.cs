using System.Globalization;
using System.Text;

namespace ExecutionSentinel.Watching;

/// <summary>
/// What makes two reports the same report, for a resumed watch: the kind, the source, the task and the identity the
/// report's detector declared (<see cref="SentinelReport.Identity"/>). The loop knows nothing of particular detectors:
/// a detector that says a kind more than once per task must tell its occurrences apart, or a resumed watch would keep
/// the second one quiet.
/// </summary>
internal static class ReportIdentity
{
    /// <summary>Each part is length-prefixed, so no value (a task name holding the separator) can make two reports collide.</summary>
    public static string Of(SentinelReport report)
    {
        var text = new StringBuilder();
        foreach (var part in (ReadOnlySpan<string>)[report.Kind.Name, report.Source, report.TaskName ?? "", report.Identity ?? ""])
        {
            text.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append('|');
        }

        return text.ToString();
    }
}
