using ExecutionSentinel.Cli.Input;
using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>The tool's list of report kinds for <c>--act</c>, and its "did you mean".</summary>
public sealed class ReportKindNamesTests
{
    [Fact]
    public void The_tool_knows_the_same_kinds_as_the_library_validator()
    {
        // The tool cannot reach the library's internal list: this keeps its own copy from drifting.
        Assert.Equal(KnownReportKinds.Names.Order(StringComparer.Ordinal), ReportKindNames.Known);
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
