using System.Globalization;

namespace ExecutionSentinel.Cli.Output.Live;

/// <summary>
/// Lays the live view out to the terminal: a pure function of its width, its height and what there is to show, so that
/// it can be tested at any size. Every line fits the width (cut, never wrapped) and the view is one line shorter than
/// the terminal: a view as tall as the terminal would scroll it, and the live display could no longer redraw in place.
/// The elapsed clock, the connectivity and the progress bar are always shown; the rest of the height is shared between
/// the task types and the newest anomalies, then the header.
/// </summary>
internal static class LiveLayout
{
    /// <summary>At most this wide: a bar across a 200-column terminal says no more than one of 40.</summary>
    private const int MaxBarWidth = 40;

    /// <summary>Anomalies shown, when there are that many, before the table of task types may take more of the height.</summary>
    private const int MinFeedEntries = 3;

    public static IReadOnlyList<LiveLine> Lines(int width, int height, LiveSnapshot state)
    {
        ArgumentNullException.ThrowIfNull(state);
        width = Math.Max(width, 1);
        var usable = Math.Max(height - 1, 1);
        var lines = new List<LiveLine>();

        var rest = usable - 2;
        var tableMin = state.ByType.Count > 0 ? 1 + Math.Min(state.ByType.Count, 2) : 0;
        var feedMin = 1 + Math.Min(Math.Max(state.Feed.Count, 1), MinFeedEntries);
        var headerLines = Math.Min(state.Header.Count, Math.Max(rest - feedMin - tableMin, 0));
        lines.AddRange(state.Header.Take(headerLines).Select(h => new LiveLine().Add(h, "bold")));
        rest -= headerLines;

        lines.Add(Status(state));
        if (usable >= 2)
        {
            lines.Add(ProgressBar(state.Progress, width));
        }

        rest = Math.Max(rest, 0);
        var tableFull = state.ByType.Count > 0 ? 1 + state.ByType.Count : 0;
        var feedWanted = 1 + Math.Max(state.Feed.Count, 1);
        var tableLines = tableFull + feedWanted <= rest ? tableFull : Math.Min(tableFull, Math.Max(rest - feedWanted, rest / 2));
        var feedLines = Math.Min(rest - tableLines, feedWanted);
        var spare = rest - tableLines - feedLines;

        if (spare > 0 && tableLines > 0)
        {
            lines.Add(new LiveLine());
            spare--;
        }

        lines.AddRange(LiveTable.Lines(state.ByType, tableLines, width));
        if (spare > 0)
        {
            lines.Add(new LiveLine());
        }

        lines.AddRange(Feed(state, feedLines));
        return [.. lines.Select(l => l.Fit(width))];
    }

    /// <summary>The elapsed time on its clock, and whether the cluster can be observed.</summary>
    private static LiveLine Status(LiveSnapshot state)
    {
        var line = new LiveLine().Add(Elapsed(state.Elapsed), "bold").Add($" elapsed ({state.Clock})", "grey").Add("   cluster: ", "grey");
        var since = state.Connectivity.Since?.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return state.Connectivity.Status switch
        {
            ConnectivityStatus.Lost => line.Add($"lost since {since}", "bold red"),
            ConnectivityStatus.Restored => line.Add($"restored at {since}", "green"),
            _ => line.Add("ok", "green"),
        };
    }

    /// <summary>Completed in green, failed in red, the rest in grey; the bar gives way to the counts on a narrow terminal.</summary>
    private static LiveLine ProgressBar(ProgressCounts progress, int width)
    {
        var counts = string.Create(CultureInfo.InvariantCulture, $"{progress.Completed}/{progress.Total} completed, {progress.Failed} failed, {progress.Running} running");
        var bar = Math.Min(width - counts.Length - 1, MaxBarWidth);
        if (bar < 10)
        {
            return new LiveLine().Add(counts);
        }

        var total = Math.Max(progress.Total, 1);
        var done = Math.Min((int)Math.Round(bar * (double)progress.Completed / total), bar);
        var failed = Math.Min(bar - done, (int)Math.Ceiling(bar * (double)progress.Failed / total));
        return new LiveLine()
            .Add(new string('█', done), "green")
            .Add(new string('█', failed), "red")
            .Add(new string('░', bar - done - failed), "grey")
            .Add(" " + counts);
    }

    /// <summary>A title with the count, then the newest anomalies that fit, oldest first.</summary>
    private static IEnumerable<LiveLine> Feed(LiveSnapshot state, int lines)
    {
        if (lines <= 0)
        {
            yield break;
        }

        var entries = state.Feed.TakeLast(Math.Max(lines - 1, 0)).ToList();
        var count = state.FeedTotal switch
        {
            0 => " none so far",
            var total when entries.Count < total => string.Create(CultureInfo.InvariantCulture, $" {total}, the newest {entries.Count} shown"),
            var total => string.Create(CultureInfo.InvariantCulture, $" {total}"),
        };
        yield return new LiveLine().Add("anomalies", "bold").Add(count, "grey");
        foreach (var entry in entries)
        {
            var colour = entry.Severity switch { ReportSeverity.Critical => "bold red", ReportSeverity.Error => "red", ReportSeverity.Warning => "yellow", _ => "green" };
            yield return new LiveLine().Add(Elapsed(entry.Elapsed) + " ", "grey").Add(entry.Kind, colour).Add(" " + entry.Message);
        }
    }

    /// <summary><c>+HH:MM:SS</c> since the start of the watch (hours beyond 99 as they are).</summary>
    internal static string Elapsed(TimeSpan elapsed)
    {
        var e = elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
        return string.Create(CultureInfo.InvariantCulture, $"+{(int)e.TotalHours:00}:{e.Minutes:00}:{e.Seconds:00}");
    }
}
