using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ExecutionSentinel.Cli.Output.Live;

/// <summary>
/// The terminal's live view (laid out by <see cref="LiveLayout"/>): the workflow, the elapsed clock, the connectivity,
/// a progress bar, a row per task type and the newest anomalies, fitted to the terminal's size at every redraw. Redrawn
/// after every report, and every second on a timer, so that the clock moves on a quiet workflow too.
/// </summary>
/// <param name="console">The terminal.</param>
/// <param name="startedAt">When the watch started, on <paramref name="time"/>.</param>
/// <param name="clock">Which clock <paramref name="time"/> is, as shown: "wall clock" or "simulated".</param>
/// <param name="time">The watch's clock: the elapsed time and the connectivity times are read on it.</param>
/// <param name="refresh">The clock of the redraw timer: real time, even when the watch's clock is simulated and faster.</param>
internal sealed class LivePresenter(IAnsiConsole console, DateTimeOffset startedAt, string clock, TimeProvider time, TimeProvider refresh) : IReportPresenter
{
    /// <summary>The clock shows seconds: redrawing more often would show nothing new.</summary>
    internal static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Anomalies kept: more than any terminal has lines.</summary>
    private const int FeedKept = 500;

    private readonly object _lock = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Queue<FeedEntry> _feed = new();
    private readonly List<string> _header = [];
    private IReadOnlyList<KeyValuePair<string, ProgressCounts>> _byType = [];
    private ProgressCounts _progress;
    private ConnectivityState _connectivity;
    private int _feedTotal;
    private DateTimeOffset? _endedAt;
    private string? _summary;
    private ITimer? _ticker;
    private Task _display = Task.CompletedTask;

    public void Begin(IReadOnlyList<string> header)
    {
        _header.AddRange(header);
        _ticker = refresh.CreateTimer(_ => Redraw(), null, RefreshPeriod, RefreshPeriod);
        _display = console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Crop).StartAsync(async context =>
        {
            while (true)
            {
                await _changed.WaitAsync().ConfigureAwait(false);
                bool ended;
                lock (_lock)
                {
                    ended = _endedAt is not null; // Read before drawing: the last screen is drawn after the end, with its clock stopped.
                }

                context.UpdateTarget(Render());
                context.Refresh();
                if (ended)
                {
                    return;
                }
            }
        });
    }

    public void Show(SentinelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            _progress = report.Progress;
            _connectivity = _connectivity.After(report, time.LocalTimeZone);
            if (report.ProgressByType is { } byType)
            {
                _byType = [.. byType];
            }

            if (report.Severity >= ReportSeverity.Warning || report.Kind == ReportKind.ConnectivityRestored || report.IsTerminal)
            {
                _feedTotal++;
                _feed.Enqueue(new FeedEntry(report.Timestamp - startedAt, report.Severity, report.Kind.Name, report.Message));
                while (_feed.Count > FeedKept)
                {
                    _feed.Dequeue();
                }
            }
        }

        Redraw();
    }

    public async Task EndAsync(WatchSummary? summary, ProgressCounts lastProgress, TimeSpan elapsed)
    {
        var line = summary is null
            ? string.Create(CultureInfo.InvariantCulture, $"[yellow]Interrupted[/] after {elapsed:hh\\:mm\\:ss} ({clock}): {Markup.Escape(lastProgress.ToString())}.")
            : string.Create(CultureInfo.InvariantCulture,
                $"[bold {Colour(summary.Outcome)}]{summary.Outcome}[/]: {summary.CompletedTasks} completed, {summary.FailedTasks} failed of {summary.TotalTasks}; "
                + $"exit code {(summary.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none")}; {summary.Duration:hh\\:mm\\:ss} ({clock}).");
        if (_ticker is not null)
        {
            await _ticker.DisposeAsync().ConfigureAwait(false);
        }

        lock (_lock)
        {
            _endedAt = time.GetUtcNow(); // The last screen's clock stops at the end.
            _summary = line;
        }

        _changed.Release();
        await _display.ConfigureAwait(false); // The display ends its last line: the shell's prompt comes under the summary.
    }

    /// <summary>What the view shows now.</summary>
    internal LiveSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new LiveSnapshot([.. _header], clock, (_endedAt ?? time.GetUtcNow()) - startedAt, _connectivity, _progress, _byType, [.. _feed], _feedTotal);
        }
    }

    /// <summary>Asks the display loop for a redraw; asks made while one is pending make no more (a slow terminal is not queued up).</summary>
    private void Redraw()
    {
        if (_changed.CurrentCount == 0)
        {
            _changed.Release();
        }
    }

    /// <summary>
    /// The view at the terminal's size now: a resized terminal is filled at the next redraw. The last screen holds the
    /// summary under the view, within the terminal's height: written after it, the summary would scroll the clock and the
    /// connectivity away (the live display keeps the height it once had, so the view cannot shrink to make room).
    /// </summary>
    private Rows Render()
    {
        var snapshot = Snapshot();
        string? summary;
        lock (_lock)
        {
            summary = _summary;
        }

        var width = console.Profile.Width;
        if (summary is null)
        {
            return new(LiveLayout.Lines(width, console.Profile.Height, snapshot).Select(Renderable));
        }

        var summaryLines = (Markup.Remove(summary).Length + width - 1) / Math.Max(width, 1); // Wrapped, not cut: it stays.
        return new([
            .. LiveLayout.Lines(width, console.Profile.Height - 1 - summaryLines, snapshot).Select(Renderable),
            new Markup(" "),
            new Markup(summary),
        ]);
    }

    private static string Colour(WatchOutcome outcome) => outcome switch { WatchOutcome.Completed => "green", WatchOutcome.Failed => "red", _ => "yellow" };

    /// <summary>
    /// One line for Spectre.Console: cut, never wrapped, should a character be wider than counted; an empty line as a
    /// space, as an empty markup takes no line at all.
    /// </summary>
    internal static Markup Renderable(LiveLine line) => new(line.Width == 0 ? " " : line.ToMarkup()) { Overflow = Overflow.Ellipsis };
}
