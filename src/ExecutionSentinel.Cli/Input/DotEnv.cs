namespace ExecutionSentinel.Cli.Input;

/// <summary>A <c>.env</c> file: <c>KEY=value</c> lines, <c>#</c> comments, optional <c>export</c>, single or double quotes.</summary>
internal static class DotEnv
{
    public static Dictionary<string, string> Parse(IEnumerable<string> lines, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InputException($"{path}, line {number}: expected KEY=value."); // The line itself is not quoted: it may hold a secret.
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            else if (value.IndexOf(" #", StringComparison.Ordinal) is var comment and >= 0)
            {
                value = value[..comment].TrimEnd();
            }

            values[key] = value;
        }

        return values;
    }
}
