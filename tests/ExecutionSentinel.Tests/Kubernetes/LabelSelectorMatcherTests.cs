using ExecutionSentinel.Kubernetes;

namespace ExecutionSentinel.Tests.Kubernetes;

/// <summary>The local check that an object belongs to the workflow, with Kubernetes' selector semantics.</summary>
public sealed class LabelSelectorMatcherTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "hyperflow", ["component"] = "task", ["tier"] = "a" };

    [Theory]
    [InlineData("app=hyperflow", true)]
    [InlineData("app==hyperflow", true)]
    [InlineData("app=other", false)]
    [InlineData("app!=other", true)]
    [InlineData("app!=hyperflow", false)]
    [InlineData("missing!=x", true)]
    [InlineData("app", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("tier in (a,b)", true)]
    [InlineData("tier in (b, c)", false)]
    [InlineData("tier notin (b,c)", true)]
    [InlineData("tier notin (a)", false)]
    [InlineData("missing notin (a)", true)]
    [InlineData("missing in (a)", false)]
    [InlineData("app=hyperflow,component=task", true)]
    [InlineData("app=hyperflow,component=engine", false)]
    [InlineData("app=hyperflow, tier in (a,b), !missing", true)]
    public void Matches_as_the_API_server_selects(string selector, bool matches) =>
        Assert.Equal(matches, LabelSelectorMatcher.Matches(selector, Labels));

    [Fact]
    public void An_object_without_labels_matches_only_selectors_that_ask_for_absence()
    {
        Assert.True(LabelSelectorMatcher.Matches("!app", null));
        Assert.False(LabelSelectorMatcher.Matches("app=hyperflow", null));
    }
}
