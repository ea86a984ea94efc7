namespace ExecutionSentinel.Tests.Contexts;

/// <summary>The workflow name keys the history: optional, but when set, something an operator can read and tell apart.</summary>
public sealed class WorkflowNameValidationTests
{
    private static readonly MonitoringContext Valid = new() { Namespace = "wf-1", EnginePodName = "hyperflow-engine-0" };

    [Theory]
    [InlineData(null)]
    [InlineData("montage-2.0")]
    [InlineData("Montage 2.0 / 4 degrees")]
    public void A_missing_or_readable_name_is_valid(string? name) =>
        Assert.Empty((Valid with { WorkflowName = name }).Validate());

    [Theory]
    [InlineData("", "WorkflowName is empty")]
    [InlineData("   ", "WorkflowName is empty")]
    [InlineData(" montage", "starts or ends with white space")]
    [InlineData("mont\u0000age", "holds control characters")]
    public void A_blank_padded_or_control_character_name_is_refused(string name, string problem) =>
        Assert.Contains(problem, Assert.Single((Valid with { WorkflowName = name }).Validate()), StringComparison.Ordinal);

    [Fact]
    public void A_name_longer_than_253_characters_is_refused() =>
        Assert.Contains("at most 253 characters", Assert.Single((Valid with { WorkflowName = new string('w', 254) }).Validate()), StringComparison.Ordinal);
}
