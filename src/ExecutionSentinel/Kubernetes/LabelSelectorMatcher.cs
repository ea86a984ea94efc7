namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// Kubernetes' label selector semantics (<c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>,
/// <c>k notin (a,b)</c>), for checking locally that an object belongs to the workflow before acting on it.
/// </summary>
internal static class LabelSelectorMatcher
{
    public static bool Matches(string? selector, IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(selector))
        {
            return true;
        }

        foreach (var raw in LabelSelectorSyntax.Requirements(selector))
        {
            var part = raw.Trim();
            bool ok;
            if (part.Contains(" notin ", StringComparison.Ordinal) || part.Contains(" in ", StringComparison.Ordinal))
            {
                var negate = part.Contains(" notin ", StringComparison.Ordinal);
                var pieces = part.Split(negate ? " notin " : " in ", 2);
                var values = pieces[1].Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
                ok = labels.TryGetValue(pieces[0].Trim(), out var value) ? values.Contains(value) != negate : negate;
            }
            else if (part.Contains("!=", StringComparison.Ordinal))
            {
                var pieces = part.Split("!=", 2);
                ok = !labels.TryGetValue(pieces[0].Trim(), out var value) || value != pieces[1].Trim();
            }
            else if (part.Contains('=', StringComparison.Ordinal))
            {
                var pieces = part.Split('=', 2);
                ok = labels.TryGetValue(pieces[0].Trim(), out var value) && value == pieces[1].TrimStart('=').Trim();
            }
            else
            {
                ok = part.StartsWith('!') ? !labels.ContainsKey(part[1..].Trim()) : labels.ContainsKey(part);
            }

            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
