using ExecutionSentinel.Cli.Output.Live;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>The live view's state between reports: its clock moves on a timer, its connectivity follows the reports.</summary>
public sealed class LivePresenterTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_clock_moves_and_the_view_is_redrawn_without_a_report()
    {
        var time = new FakeTimeProvider(Start);
        var (console, output) = Console(80, 24);
        var presenter = new LivePresenter(console, Start, "wall clock", time, time);
        presenter.Begin(["Watching workflow in namespace 'wf'."]);
        presenter.Show(Report(ReportKind.Progress, ReportSeverity.Info, Start));

        time.Advance(TimeSpan.FromSeconds(5)); // Five ticks of the redraw timer; no report.

        Assert.Equal(TimeSpan.FromSeconds(5), presenter.Snapshot().Elapsed);
        await Eventually(() => output().Contains("+00:00:05 elapsed (wall clock)", StringComparison.Ordinal));
        await presenter.EndAsync(null, default, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Connectivity_is_lost_since_the_report_then_restored()
    {
        var time = new FakeTimeProvider(Start);
        var (console, _) = Console(80, 24);
        var presenter = new LivePresenter(console, Start, "wall clock", time, time);
        presenter.Begin(["Watching workflow in namespace 'wf'."]);
        Assert.Equal(ConnectivityStatus.Ok, presenter.Snapshot().Connectivity.Status);

        presenter.Show(Report(ReportKind.ConnectivityLost, ReportSeverity.Error, Start.AddSeconds(133)));
        var lost = presenter.Snapshot();
        presenter.Show(Report(ReportKind.Progress, ReportSeverity.Info, Start.AddSeconds(150)));
        var stillLost = presenter.Snapshot();
        presenter.Show(Report(ReportKind.ConnectivityRestored, ReportSeverity.Info, Start.AddSeconds(173)));
        var restored = presenter.Snapshot();

        Assert.Equal(new ConnectivityState(ConnectivityStatus.Lost, Start.AddSeconds(133)), lost.Connectivity);
        Assert.Equal(lost.Connectivity, stillLost.Connectivity);
        Assert.Equal(new ConnectivityState(ConnectivityStatus.Restored, Start.AddSeconds(173)), restored.Connectivity);
        Assert.Equal(2, restored.FeedTotal); // Lost (an error) and restored; not the progress.
        Assert.Contains(LiveLayout.Lines(80, 24, lost), l => l.Text.EndsWith("cluster: lost since 10:02:13", StringComparison.Ordinal));
        await presenter.EndAsync(null, default, TimeSpan.FromSeconds(173));
    }

    /// <summary>A console of a terminal's size, and what was written to it so far (read while the display writes).</summary>
    private static (IAnsiConsole Console, Func<string> Output) Console(int width, int height)
    {
        var text = new StringWriter();
        var writer = TextWriter.Synchronized(text); // Its methods lock the writer itself: so does reading it below.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Profile.Height = height;
        return (console, () =>
        {
            lock (writer)
            {
                return text.ToString();
            }
        });
    }

    private static SentinelReport Report(ReportKind kind, ReportSeverity severity, DateTimeOffset at) => new()
    {
        Kind = kind,
        Severity = severity,
        Timestamp = at,
        Message = $"{kind.Name} at {at:HH:mm:ss}.",
        Source = "test",
        Progress = new ProgressCounts(1, 0, 2, 10),
    };

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
