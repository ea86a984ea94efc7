using System.Text.RegularExpressions;

namespace ExecutionSentinel.Tests.Docs;

/// <summary>How a snippet is compiled: the convention is in docs/architecture.md ("Snippets in the documentation").</summary>
internal enum SnippetMode
{
    /// <summary>A whole file of a <c>dotnet new console</c> project (or class library): its own usings, nothing given.</summary>
    Program,

    /// <summary>Statements (then types) in a conductor's code: the standard preamble's usings and variables are in scope.</summary>
    Fragment,
}

/// <summary>One <c>```csharp</c> block of a markdown file, with where it starts and how to compile it.</summary>
internal sealed partial record MarkdownSnippet(string File, int FirstLine, SnippetMode Mode, string Code)
{
    public override string ToString() => $"{File}:{FirstLine}";

    /// <summary>
    /// Every <c>```csharp</c> block of <paramref name="markdown"/>. A block is a <see cref="SnippetMode.Program"/> unless the
    /// nearest non-blank line above it is <c>&lt;!-- snippet: fragment --&gt;</c>; any other mode named there is an error.
    /// </summary>
    /// <param name="file">The file's path as reported (relative to the repository).</param>
    /// <param name="markdown">The file's text.</param>
    public static IEnumerable<MarkdownSnippet> Extract(string file, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var mode = ModeAbove(file, lines, i);
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new FormatException($"{file}:{i + 1}: a ```csharp block is never closed.");
            }

            yield return new MarkdownSnippet(file, start + 1, mode, string.Join('\n', lines[start..end]));
            i = end;
        }
    }

    private static SnippetMode ModeAbove(string file, string[] lines, int fence)
    {
        var above = fence - 1;
        while (above >= 0 && lines[above].Trim().Length == 0)
        {
            above--;
        }

        if (above < 0 || Marker().Match(lines[above]) is not { Success: true } marker)
        {
            return SnippetMode.Program;
        }

        return marker.Groups[1].Value switch
        {
            "fragment" => SnippetMode.Fragment,
            "program" => SnippetMode.Program,
            var other => throw new FormatException($"{file}:{above + 1}: unknown snippet mode '{other}' (fragment or program)."),
        };
    }

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*([\w-]+)\s*-->\s*$")]
    private static partial Regex Marker();
}
