namespace ExecutionSentinel.FakeKube;

/// <summary>Kubernetes' set-based label selector: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>.</summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    private LabelSelector()
    {
    }

    public static LabelSelector Everything { get; } = new();

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in Split(text))
        {
            var part = raw.Trim();
            if (part.Contains(" notin ", StringComparison.Ordinal) || part.Contains(" in ", StringComparison.Ordinal))
            {
                var negate = part.Contains(" notin ", StringComparison.Ordinal);
                var pieces = part.Split(negate ? " notin " : " in ", 2);
                var key = pieces[0].Trim();
                var values = pieces[1].Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
                selector._requirements.Add(l => l.TryGetValue(key, out var v) ? values.Contains(v) != negate : negate);
            }
            else if (part.Contains("!=", StringComparison.Ordinal))
            {
                var pieces = part.Split("!=", 2);
                var (key, value) = (pieces[0].Trim(), pieces[1].Trim());
                selector._requirements.Add(l => !l.TryGetValue(key, out var v) || v != value);
            }
            else if (part.Contains('=', StringComparison.Ordinal))
            {
                var pieces = part.Split('=', 2);
                var (key, value) = (pieces[0].Trim(), pieces[1].TrimStart('=').Trim());
                selector._requirements.Add(l => l.TryGetValue(key, out var v) && v == value);
            }
            else if (part.StartsWith('!'))
            {
                var key = part[1..].Trim();
                selector._requirements.Add(l => !l.ContainsKey(key));
            }
            else
            {
                selector._requirements.Add(l => l.ContainsKey(part));
            }
        }

        return selector;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r(labels));

    private static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
