using System.Globalization;
using ExecutionSentinel.Cli.Output.Live;
using Spectre.Console;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>
/// The live view laid out at terminal sizes: it never grows taller than the terminal less one line (else it scrolls and
/// can no longer be redrawn in place), no line wraps, and the clock, the connectivity and the progress bar are always there.
/// </summary>
public sealed class LiveLayoutTests
{
    private static readonly string[] Types = ["individuals", "individuals_merge", "sifting", "mutation_overlap", "frequency"];

    [Fact]
    public void At_80x24_with_30_anomalies_everything_fits_and_the_newest_anomalies_are_shown()
    {
        var state = State(anomalies: 30, types: Types);

        var lines = LiveLayout.Lines(80, 24, state);

        AssertFits(lines, 80, 24);
        var text = lines.Select(l => l.Text).ToList();
        Assert.StartsWith("Replaying trace", text[0], StringComparison.Ordinal);
        Assert.Contains(text, l => l.StartsWith("+00:02:05 elapsed (simulated)", StringComparison.Ordinal) && l.EndsWith("cluster: lost since 10:02:13", StringComparison.Ordinal));
        Assert.Contains(text, l => l.StartsWith('█') && l.EndsWith("12/52 completed, 1 failed, 6 running", StringComparison.Ordinal));
        Assert.All(Types, type => Assert.Contains(text, l => l.StartsWith(type + " ", StringComparison.Ordinal)));
        Assert.Contains(text, l => l.StartsWith("anomalies 30, the newest ", StringComparison.Ordinal));
        Assert.StartsWith("+00:00:30 oom-kill Task 'individuals_ID0000030'", text[^1], StringComparison.Ordinal); // The newest, at the bottom.
        Assert.EndsWith("…", text[^1], StringComparison.Ordinal); // Cut, not wrapped.
        Assert.DoesNotContain(text, l => l.Contains("'individuals_ID0000001'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(200, 50)]
    public void Spectre_Console_renders_each_line_as_one_line_within_the_terminal(int width, int height)
    {
        var lines = LiveLayout.Lines(width, height, State(anomalies: 30, types: Types));
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Profile.Height = height;

        console.Write(new Rows(lines.Select(LivePresenter.Renderable)));

        var rendered = output.ToString().TrimEnd('\n').Split('\n');
        Assert.True(rendered.Length == lines.Count, $"{rendered.Length} lines rendered of {lines.Count}:{Environment.NewLine}{output}"); // Blank lines too.
        Assert.True(rendered.Length <= height - 1);
        Assert.All(rendered, line => Assert.True(line.TrimEnd().Length <= width, line));
    }

    [Fact]
    public void At_200x50_all_types_and_all_30_anomalies_are_shown_whole()
    {
        var lines = LiveLayout.Lines(200, 50, State(anomalies: 30, types: Types));

        AssertFits(lines, 200, 50);
        var text = lines.Select(l => l.Text).ToList();
        Assert.Contains("anomalies 30", text);
        Assert.Equal(30, text.Count(l => l.Contains(" anomaly number ", StringComparison.Ordinal)));
        Assert.DoesNotContain(text, l => l.EndsWith('…'));
        Assert.Contains(text, l => l.StartsWith(new string('█', 9) + new string('█', 1) + new string('░', 30), StringComparison.Ordinal)); // 40 wide.
    }

    [Fact]
    public void More_types_than_lines_keep_the_running_ones_and_count_the_others_and_the_feed_keeps_its_newest()
    {
        var types = Enumerable.Range(0, 40).Select(i => $"type{i:00}").ToArray();
        var state = State(anomalies: 30, types: types) with
        {
            ByType = [.. types.Select((t, i) => KeyValuePair.Create(t, i == 35 ? new ProgressCounts(1, 0, 2, 5) : new ProgressCounts(5, 0, 0, 5)))],
        };

        var lines = LiveLayout.Lines(80, 24, state);

        AssertFits(lines, 80, 24);
        var text = lines.Select(l => l.Text).ToList();
        Assert.Contains(text, l => l.StartsWith("type35 ", StringComparison.Ordinal) && l.Contains("running", StringComparison.Ordinal));
        Assert.Contains(text, l => l.StartsWith("… and ", StringComparison.Ordinal) && l.EndsWith(" more task types", StringComparison.Ordinal));
        Assert.True(text.Count(l => l.Contains(" oom-kill ", StringComparison.Ordinal)) >= 3);
        Assert.StartsWith("+00:00:30 oom-kill Task 'individuals_ID0000030'", text[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Connectivity_is_ok_then_restored()
    {
        var ok = LiveLayout.Lines(80, 24, State(anomalies: 0, types: Types) with { Connectivity = default });
        var restored = LiveLayout.Lines(80, 24, State(anomalies: 0, types: Types) with
        {
            Connectivity = new ConnectivityState(ConnectivityStatus.Restored, new DateTimeOffset(2026, 2, 21, 10, 2, 53, TimeSpan.Zero)),
        });

        Assert.Contains(ok, l => l.Text.EndsWith("cluster: ok", StringComparison.Ordinal));
        Assert.Contains(ok, l => l.Text == "anomalies none so far");
        Assert.Contains(restored, l => l.Text.EndsWith("cluster: restored at 10:02:53", StringComparison.Ordinal));
    }

    [Fact]
    public void At_every_size_the_view_fits_and_keeps_the_clock()
    {
        var state = State(anomalies: 30, types: Types);
        for (var width = 1; width <= 220; width += 7)
        {
            for (var height = 1; height <= 60; height++)
            {
                var lines = LiveLayout.Lines(width, height, state);

                AssertFits(lines, width, height);
                var clock = width > 9 ? "+00:02:05" : "+00:02:05"[..(width - 1)]; // Cut with an ellipsis on a terminal narrower than it.
                Assert.Contains(lines, l => l.Text.StartsWith(clock, StringComparison.Ordinal));
            }
        }
    }

    private static void AssertFits(IReadOnlyList<LiveLine> lines, int width, int height)
    {
        Assert.True(lines.Count <= Math.Max(height - 1, 1), $"{lines.Count} lines at {width}x{height}");
        Assert.All(lines, line => Assert.True(line.Width <= width, $"'{line.Text}' is wider than {width}"));
        Assert.All(lines, line => Assert.Equal(line.Text, Markup.Remove(line.ToMarkup())));
    }

    /// <summary>A replay 125 s in, the cluster lost since 10:02:13, and <paramref name="anomalies"/> long OOM kills.</summary>
    private static LiveSnapshot State(int anomalies, string[] types) => new(
        Header:
        [
            "Replaying trace '1000genome-chameleon-2ch-100k-001' (52 tasks, 1000genome) at 100x on 8 slots.",
            "Injected faults: OOM kill of individuals_ID0000005; individuals_ID0000015 runs 5x longer; eviction of individuals_ID0000008; API outage of 45 s at +120 s",
        ],
        Clock: "simulated",
        Elapsed: TimeSpan.FromSeconds(125),
        Connectivity: new ConnectivityState(ConnectivityStatus.Lost, new DateTimeOffset(2026, 2, 21, 10, 2, 13, TimeSpan.Zero)),
        Progress: new ProgressCounts(12, 1, 6, 52),
        ByType: [.. types.Select(t => KeyValuePair.Create(t, new ProgressCounts(2, 1, 3, 10)))],
        Feed: [.. Enumerable.Range(1, anomalies).Select(i => new FeedEntry(
            TimeSpan.FromSeconds(i),
            ReportSeverity.Error,
            "oom-kill",
            string.Create(CultureInfo.InvariantCulture, $"Task 'individuals_ID{i:0000000}' (individuals) was killed for running out of memory on attempt 1: anomaly number {i} of this test, long enough to be cut at 80 columns.")))],
        FeedTotal: anomalies);
}
