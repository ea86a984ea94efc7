namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// A light check of label selector syntax, so a typo is reported at start by name instead of as a 400 from the
/// API server on every list. The server stays the authority on what a selector means.
/// </summary>
internal static class LabelSelectorSyntax
{
    public static string? FindProblem(string selector)
    {
        if (selector.Trim().Length == 0)
        {
            return null;
        }

        var depth = 0;
        foreach (var c in selector)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth is < 0 or > 1)
            {
                return "has unbalanced parentheses";
            }
        }

        if (depth != 0)
        {
            return "has unbalanced parentheses";
        }

        foreach (var requirement in SplitTopLevel(selector))
        {
            var text = requirement.Trim();
            if (text.Length == 0)
            {
                return "has an empty requirement (two commas in a row, or a trailing comma)";
            }

            var key = text.TrimStart('!').Split(['=', '!', ' ', '('], 2)[0];
            if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
            {
                return $"has a requirement '{text}' without a valid label key";
            }
        }

        return null;
    }

    /// <summary>The selector's requirements, split at top-level commas.</summary>
    public static IEnumerable<string> Requirements(string selector) => SplitTopLevel(selector);

    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var start = 0;
        var depth = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] == '(' ? 1 : selector[i] == ')' ? -1 : 0;
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }

        yield return selector[start..];
    }
}
