namespace ExecutionSentinel.Tests.Support;

/// <summary>
/// docs/rbac.yaml as shipped, and the shell commands its comments tell an operator to run (<c>kubectl …</c>, with
/// <c>\</c> continuations and <c>&lt;&lt;'EOF'</c> inputs, and a trailing <c># yes</c> / <c># no</c> where the comment
/// says what the command answers), so that tests run them as written.
/// </summary>
internal static class RbacManifest
{
    private static readonly Lazy<string> Located = new(() => System.IO.Path.Combine(RepositoryRoot(), "docs", "rbac.yaml"));

    public static string FilePath => Located.Value;

    public static string Text => File.ReadAllText(FilePath);

    /// <summary>Every command in the comments, in order.</summary>
    public static IReadOnlyList<ManifestCommand> Commands()
    {
        var comments = File.ReadAllLines(FilePath)
            .Where(l => l.TrimStart().StartsWith('#'))
            .Select(l => l.TrimStart()[1..])
            .ToList();
        var commands = new List<ManifestCommand>();
        for (var i = 0; i < comments.Count; i++)
        {
            var line = comments[i].Trim();
            if (!line.StartsWith("kubectl ", StringComparison.Ordinal))
            {
                continue;
            }

            while (line.EndsWith('\\') && i + 1 < comments.Count)
            {
                line = line[..^1].TrimEnd() + " " + comments[++i].Trim();
            }

            string? expect = null;
            if (line.IndexOf(" # ", StringComparison.Ordinal) is var hash and > 0)
            {
                expect = line[(hash + 3)..].Trim();
                line = line[..hash].TrimEnd();
            }

            string? stdin = null;
            if (line.EndsWith("<<'EOF'", StringComparison.Ordinal))
            {
                line = line[..^"<<'EOF'".Length].TrimEnd();
                var body = new List<string>();
                while (++i < comments.Count && comments[i].Trim() != "EOF")
                {
                    body.Add(comments[i]);
                }

                var indent = body.Where(b => b.Trim().Length > 0).Min(b => b.Length - b.TrimStart().Length);
                stdin = string.Join('\n', body.Select(b => b.Length >= indent ? b[indent..] : b.TrimStart())) + "\n";
            }

            var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            commands.Add(new ManifestCommand(args, stdin, expect));
        }

        return commands;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionSentinel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (ExecutionSentinel.sln) was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One command from the manifest's comments: kubectl's arguments, what it reads on standard input, and what the comment says it answers.</summary>
internal sealed record ManifestCommand(IReadOnlyList<string> Args, string? Stdin, string? Expect)
{
    public string Line => "kubectl " + string.Join(' ', Args);

    /// <summary>The same command with names replaced (the example's namespace or pod by the test's).</summary>
    public string[] ArgsWith(params (string From, string To)[] replacements) =>
        [.. Args.Select(a => replacements.Aggregate(a, (text, r) => text.Replace(r.From, r.To, StringComparison.Ordinal)))];
}
