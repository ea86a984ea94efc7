using ExecutionSentinel.Watching;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>A resumed watch is quiet about a report of the same kind, source, task and declared identity, and only those.</summary>
public sealed class ReportIdentityTests
{
    private static readonly SentinelReport Base = new()
    {
        Kind = ReportKind.OomKill,
        Severity = ReportSeverity.Error,
        Timestamp = DateTimeOffset.UnixEpoch,
        Message = "killed",
        Source = "oom-kill",
        TaskName = "a",
        Identity = "1",
    };

    [Fact]
    public void The_same_occurrence_said_at_another_time_or_in_other_words_is_the_same_report()
    {
        var again = Base with { Timestamp = DateTimeOffset.UnixEpoch.AddHours(1), Message = "killed again", Details = new Dictionary<string, string> { ["x"] = "y" } };

        Assert.Equal(ReportIdentity.Of(Base), ReportIdentity.Of(again));
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("task")]
    [InlineData("source")]
    [InlineData("kind")]
    public void Another_identity_task_source_or_kind_is_another_report(string differs)
    {
        var other = differs switch
        {
            "identity" => Base with { Identity = "2" },
            "task" => Base with { TaskName = "b" },
            "source" => Base with { Source = "my-detector" },
            _ => Base with { Kind = ReportKind.TaskFailed },
        };

        Assert.NotEqual(ReportIdentity.Of(Base), ReportIdentity.Of(other));
    }

    [Fact]
    public void Separators_inside_parts_cannot_make_two_reports_collide()
    {
        var one = Base with { TaskName = "a|b", Identity = "c" };
        var two = Base with { TaskName = "a", Identity = "b|c" };

        Assert.NotEqual(ReportIdentity.Of(one), ReportIdentity.Of(two));
    }
}
