using ExecutionSentinel.Kubernetes;

namespace ExecutionSentinel.FakeKube;

/// <summary>A label selector as the server applies it: the library's own matcher, so server and client agree by construction.</summary>
public sealed class LabelSelector
{
    private readonly string? _text;

    private LabelSelector(string? text) => _text = text;

    public static LabelSelector Everything { get; } = new(null);

    public static LabelSelector Parse(string? text) => new(text);

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        LabelSelectorMatcher.Matches(_text, labels as IDictionary<string, string> ?? labels.ToDictionary(p => p.Key, p => p.Value));
}
