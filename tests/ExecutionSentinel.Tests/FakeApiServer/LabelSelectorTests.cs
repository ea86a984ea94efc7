using ExecutionSentinel.FakeKube;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// The fake server's own label selector, checked against the cases of the Kubernetes documentation ("Labels and
/// Selectors": equality-based and set-based requirements) and the parser's grammar: first directly, then through
/// kubectl's <c>-l</c> and the Python client's <c>label_selector</c>, where an invalid one must be a 400.
/// </summary>
public sealed class LabelSelectorTests : FakeServerTest
{
    /// <summary>The objects of the table: the documentation's environment/tier/partition labels.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Objects = new()
    {
        ["p1"] = new() { ["environment"] = "production", ["tier"] = "frontend" },
        ["p2"] = new() { ["environment"] = "qa", ["tier"] = "backend", ["partition"] = "customerA" },
        ["p3"] = new() { ["environment"] = "dev", ["tier"] = "cache" },
        ["p4"] = new() { ["tier"] = "frontend", ["partition"] = "customerB" },
        ["p5"] = new() { ["environment"] = "production", ["tier"] = "backend", ["partition"] = "customerA", ["gpu"] = "4" },
    };

    /// <summary>Valid selectors and the objects they select.</summary>
    public static TheoryData<string, string> Valid => new()
    {
        { "", "p1 p2 p3 p4 p5" },
        { "environment = production", "p1 p5" },
        { "environment==production", "p1 p5" },
        { "tier != frontend", "p2 p3 p5" },
        { "environment=production,tier!=frontend", "p5" },
        { "environment in (production, qa)", "p1 p2 p5" },
        { "tier notin (frontend, backend)", "p3" },
        { "partition", "p2 p4 p5" },
        { "!partition", "p1 p3" },
        { "partition,environment notin (qa)", "p4 p5" },
        { "environment in (production),tier in (frontend)", "p1" },
        { "  environment   in   ( production ,  qa )  ", "p1 p2 p5" },
        { "environment notin (production,qa,dev)", "p4" },
        { "gpu>2", "p5" },
        { "gpu<2", "" },
        { "environment=", "" },
        { "example.com/owner!=x,tier in (cache)", "p3" },
    };

    /// <summary>Selectors the server must refuse.</summary>
    public static TheoryData<string> Invalid => new()
    {
        "app in (",
        "environment in (production, qa",
        "environment=production,",
        "=production",
        "environment==production=qa",
        "!environment=production",
        "tier notin frontend",
        "environment=pro duction",
        "-environment=x",
        "gpu>two",
        "environment in (production,,",
        "environment=" + new string('x', 64),
        "Example.com/owner=x",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void The_matcher_selects_what_the_documentation_says(string selector, string expected)
    {
        var parsed = LabelSelector.Parse(selector);

        var selected = Objects.Where(o => parsed.Matches(o.Value)).Select(o => o.Key).Order(StringComparer.Ordinal);

        Assert.Equal(Split(expected), selected);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void The_matcher_refuses_invalid_syntax(string selector)
    {
        Assert.False(LabelSelector.TryParse(selector, out _, out var error));
        Assert.StartsWith("unable to parse requirement: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_and_the_Python_client_get_the_same_selection_and_400_for_invalid_syntax()
    {
        foreach (var (name, labels) in Objects)
        {
            Pod(name, labels: labels);
        }

        var python = await PythonAsync();
        foreach (var row in Valid)
        {
            var (selector, expected) = ((string)row[0], (string)row[1]);
            var stdout = await KubectlOkAsync("get", "pods", "-n", Ns, "-l", selector, "-o", "name");
            var byKubectl = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n["pod/".Length..]).Order(StringComparer.Ordinal);
            var byPython = Names(await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, label_selector = selector }));

            Assert.True(Split(expected).SequenceEqual(byKubectl), $"kubectl -l '{selector}': {string.Join(' ', byKubectl)}");
            Assert.True(Split(expected).SequenceEqual(byPython), $"python label_selector='{selector}': {string.Join(' ', byPython)}");
        }

        foreach (string selector in Invalid)
        {
            var (exit, _, stderr) = await Kubectl.RunAsync("get", "pods", "-n", Ns, "-l", selector, "-o", "name");
            var answer = await python.CallAsync(new { op = "list", resource = "pods", @namespace = Ns, label_selector = selector });

            Assert.True(exit != 0 && stderr.Contains("Error from server (BadRequest)", StringComparison.Ordinal), $"kubectl -l '{selector}': {exit} {stderr}");
            Assert.Equal(400, answer.GetProperty("status").GetInt32());
            Assert.Equal("BadRequest", answer.GetProperty("body").GetProperty("reason").GetString());
            Assert.StartsWith("unable to parse requirement", answer.GetProperty("body").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_invalid_selector_is_a_400_for_a_watch_too()
    {
        var python = await PythonAsync();

        var lines = await python.CallAsync(new { op = "watch", resource = "pods", @namespace = Ns, label_selector = "app in (", timeout_seconds = 5 });
        await python.ReadAsync(); // The watch's end marker.

        Assert.Equal(400, lines.GetProperty("error").GetInt32());
    }

    private static IEnumerable<string> Split(string names) => names.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
}
