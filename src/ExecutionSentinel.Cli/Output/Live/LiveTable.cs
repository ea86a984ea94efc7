using System.Globalization;

namespace ExecutionSentinel.Cli.Output.Live;

/// <summary>
/// The table of task types (phase, done, failed, running, total) in as many lines as the layout gives it. A workflow
/// may have more types than a terminal has lines: then the types being worked on are kept and the others are counted.
/// </summary>
internal static class LiveTable
{
    private const string Gap = "  ";
    private static readonly string[] Numbers = ["done", "failed", "running", "total"];

    public static IReadOnlyList<LiveLine> Lines(IReadOnlyList<KeyValuePair<string, ProgressCounts>> byType, int maxLines, int width)
    {
        if (byType.Count == 0 || maxLines <= 0)
        {
            return [];
        }

        if (maxLines == 1 && byType.Count > 0)
        {
            return [new LiveLine().Add($"{byType.Count} task types (no room to show them)", "grey")];
        }

        var shownCount = byType.Count + 1 <= maxLines ? byType.Count : maxLines - 2;
        var shown = Choose(byType, shownCount);
        var numberWidths = Numbers.Select((label, i) => Math.Max(label.Length, byType.Max(t => Count(t.Value, i).Length))).ToArray();
        var phaseWidth = "completed".Length;
        var fixedWidth = phaseWidth + numberWidths.Sum() + (Gap.Length * (numberWidths.Length + 1));
        var typeWidth = Math.Max(Math.Min(Math.Max("task type".Length, byType.Max(t => t.Key.Length)), width - fixedWidth), 4);

        var header = new LiveLine().Add(Cell("task type", typeWidth) + Gap + "phase".PadRight(phaseWidth), "grey");
        for (var i = 0; i < Numbers.Length; i++)
        {
            header.Add(Gap + Numbers[i].PadLeft(numberWidths[i]), "grey");
        }

        var lines = new List<LiveLine> { header };
        foreach (var (type, counts) in shown)
        {
            var (phase, colour) = Phase(counts);
            var row = new LiveLine().Add(Cell(type, typeWidth) + Gap).Add(phase.PadRight(phaseWidth), colour);
            for (var i = 0; i < Numbers.Length; i++)
            {
                row.Add(Gap + Count(counts, i).PadLeft(numberWidths[i]), i == 1 && counts.Failed > 0 ? "red" : null);
            }

            lines.Add(row);
        }

        if (shown.Count < byType.Count)
        {
            lines.Add(new LiveLine().Add($"… and {byType.Count - shown.Count} more task types", "grey"));
        }

        return lines;
    }

    /// <summary>
    /// The <paramref name="count"/> types most worth seeing, in the inventory's order: running ones (or failing) first,
    /// then those still waiting, then those done.
    /// </summary>
    private static List<KeyValuePair<string, ProgressCounts>> Choose(IReadOnlyList<KeyValuePair<string, ProgressCounts>> byType, int count) =>
        [.. byType
            .Select((type, index) => (type, index))
            .OrderBy(t => Rank(t.type.Value))
            .ThenBy(t => t.index)
            .Take(count)
            .OrderBy(t => t.index)
            .Select(t => t.type)];

    private static int Rank(ProgressCounts counts) =>
        counts.Running > 0 || (counts.Failed > 0 && counts.Finished < counts.Total) ? 0
        : counts.Finished < counts.Total ? 1
        : 2;

    private static (string Phase, string Colour) Phase(ProgressCounts counts) =>
        counts.Finished >= counts.Total && counts.Total > 0 ? (counts.Failed > 0 ? ("finished", "red") : ("completed", "green"))
        : counts.Running > 0 || counts.Finished > 0 ? ("running", "blue")
        : ("waiting", "grey");

    private static string Count(ProgressCounts counts, int column) => (column switch
    {
        0 => counts.Completed,
        1 => counts.Failed,
        2 => counts.Running,
        _ => counts.Total,
    }).ToString(CultureInfo.InvariantCulture);

    /// <summary>A type name in its column: padded, or cut with an ellipsis.</summary>
    private static string Cell(string text, int width) => text.Length <= width ? text.PadRight(width) : text[..(width - 1)] + "…";
}
