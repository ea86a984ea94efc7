using ExecutionSentinel.Cli.Input;
using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>The tool's list of report kinds for <c>--act</c>, and its "did you mean".</summary>
public sealed class ReportKindNamesTests
{
    [Fact]
    public void The_tool_knows_every_built_in_kind_of_the_sentinel_and_the_watchdog()
    {
        // The oracle: the public kind properties themselves, so a kind added there and missed by the list fails here.
        var declared = new[] { typeof(ReportKind), typeof(WatchdogReportKinds) }
            .SelectMany(t => t.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(p => p.PropertyType == typeof(ReportKind))
            .Select(p => ((ReportKind)p.GetValue(null)!).Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, ReportKindNames.Known);
    }

    [Theory]
    [InlineData("oom-kil", "oom-kill")]
    [InlineData("oomkill", "oom-kill")]
    [InlineData("OOM_KILL", "oom-kill")]
    [InlineData("stragler", "straggler")]
    [InlineData("workflow-stall", "workflow-stalled")]
    public void A_near_miss_suggests_the_closest_kind(string given, string expected) =>
        Assert.Equal(expected, ReportKindNames.Closest(given));

    [Fact]
    public void Nothing_close_suggests_nothing() => Assert.Null(ReportKindNames.Closest("everything"));
}
