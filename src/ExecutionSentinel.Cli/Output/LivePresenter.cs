using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ExecutionSentinel.Cli.Output;

/// <summary>
/// The terminal's live view: a progress bar of completed / total tasks, a row per task type with its phase and counts,
/// and a feed of anomalies as they arrive. Redrawn after every report by Spectre.Console's live display.
/// </summary>
internal sealed class LivePresenter(IAnsiConsole console, DateTimeOffset startedAt, string clock) : IReportPresenter
{
    private const int FeedLength = 10;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Queue<SentinelReport> _feed = new();
    private readonly List<string> _header = [];
    private IReadOnlyDictionary<string, ProgressCounts> _byType = new Dictionary<string, ProgressCounts>();
    private ProgressCounts _progress;
    private DateTimeOffset _lastAt;
    private bool _ended;
    private Task _display = Task.CompletedTask;

    public void Begin(IReadOnlyList<string> header)
    {
        _header.AddRange(header);
        _lastAt = startedAt;
        _display = console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            while (true)
            {
                await _changed.WaitAsync().ConfigureAwait(false);
                context.UpdateTarget(Render());
                context.Refresh();
                lock (_lock)
                {
                    if (_ended)
                    {
                        return;
                    }
                }
            }
        });
    }

    public void Show(SentinelReport report)
    {
        lock (_lock)
        {
            _progress = report.Progress;
            _lastAt = report.Timestamp;
            if (report.ProgressByType is { } byType)
            {
                _byType = byType;
            }

            if (report.Severity >= ReportSeverity.Warning || report.Kind == ReportKind.ConnectivityRestored || report.IsTerminal)
            {
                _feed.Enqueue(report);
                while (_feed.Count > FeedLength)
                {
                    _feed.Dequeue();
                }
            }
        }

        _changed.Release();
    }

    public async Task EndAsync(WatchSummary? summary, ProgressCounts lastProgress, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _ended = true;
        }

        _changed.Release();
        await _display.ConfigureAwait(false);
        console.WriteLine();
        if (summary is null)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[yellow]Interrupted[/] after {elapsed:hh\\:mm\\:ss} ({clock}): {Markup.Escape(lastProgress.ToString())}."));
            return;
        }

        var colour = summary.Outcome switch { WatchOutcome.Completed => "green", WatchOutcome.Failed => "red", _ => "yellow" };
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold {colour}]{summary.Outcome}[/]: {summary.CompletedTasks} completed, {summary.FailedTasks} failed of {summary.TotalTasks}; "
            + $"exit code {(summary.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none")}; {summary.Duration:hh\\:mm\\:ss} ({clock})."));
    }

    private IRenderable Render()
    {
        lock (_lock)
        {
            var rows = new List<IRenderable>();
            rows.AddRange(_header.Select(h => new Markup(Markup.Escape(h))));
            rows.Add(ProgressBar());
            rows.Add(TypeTable());
            rows.Add(new Panel(Feed()).Header("anomalies").Expand());
            return new Rows(rows);
        }
    }

    private Markup ProgressBar()
    {
        const int width = 40;
        var total = Math.Max(_progress.Total, 1);
        var done = (int)Math.Round(width * (double)_progress.Completed / total);
        var failed = Math.Min(width - done, (int)Math.Ceiling(width * (double)_progress.Failed / total));
        var elapsed = _lastAt - startedAt;
        return new Markup(string.Create(CultureInfo.InvariantCulture,
            $"[green]{new string('█', done)}[/][red]{new string('█', failed)}[/][grey]{new string('░', width - done - failed)}[/] "
            + $"{_progress.Completed}/{_progress.Total} completed, {_progress.Failed} failed, {_progress.Running} running   "
            + $"[grey]+{(int)elapsed.TotalHours:00}:{elapsed.Minutes:00}:{elapsed.Seconds:00}[/]"));
    }

    private Table TypeTable()
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("task type", "phase", "done", "failed", "running", "total");
        foreach (var (type, counts) in _byType)
        {
            var phase = counts.Finished >= counts.Total && counts.Total > 0 ? (counts.Failed > 0 ? "[red]finished[/]" : "[green]completed[/]")
                : counts.Running > 0 || counts.Finished > 0 ? "[blue]running[/]"
                : "[grey]waiting[/]";
            table.AddRow(
                Markup.Escape(type),
                phase,
                counts.Completed.ToString(CultureInfo.InvariantCulture),
                counts.Failed > 0 ? $"[red]{counts.Failed}[/]" : "0",
                counts.Running.ToString(CultureInfo.InvariantCulture),
                counts.Total.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    private Rows Feed()
    {
        if (_feed.Count == 0)
        {
            return new Rows(new Markup("[grey]none so far[/]"));
        }

        return new Rows(_feed.Select(r =>
        {
            var elapsed = r.Timestamp - startedAt;
            var colour = r.Severity switch { ReportSeverity.Critical => "bold red", ReportSeverity.Error => "red", ReportSeverity.Warning => "yellow", _ => "green" };
            return new Markup(string.Create(CultureInfo.InvariantCulture,
                $"[grey]+{(int)elapsed.TotalHours:00}:{elapsed.Minutes:00}:{elapsed.Seconds:00}[/] [{colour}]{Markup.Escape(r.Kind.Name)}[/] {Markup.Escape(r.Message)}"));
        }));
    }
}
