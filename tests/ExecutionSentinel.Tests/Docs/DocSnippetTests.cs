namespace ExecutionSentinel.Tests.Docs;

/// <summary>Every C# snippet of the README, the docs and the packages' READMEs compiles (convention: docs/architecture.md).</summary>
public sealed class DocSnippetTests
{
    // Files whose snippets are not compiled yet, each with why and until when. Keep this short and dated by a reason.
    private static readonly Dictionary<string, string> NotCheckedYet = new(StringComparer.Ordinal)
    {
    };

    public static TheoryData<string> Documents() => [.. DocumentPaths()];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_csharp_snippet_compiles(string document)
    {
        if (NotCheckedYet.ContainsKey(document))
        {
            return;
        }

        var problems = Snippets(document).SelectMany(SnippetCompiler.Problems).ToList();

        Assert.True(problems.Count == 0, "Snippets that do not compile:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void The_documents_hold_snippets_and_every_file_not_checked_yet_still_exists()
    {
        Assert.True(DocumentPaths().Sum(d => Snippets(d).Count()) >= 10, "The snippet scan found almost nothing: is the repository root right?");
        Assert.All(NotCheckedYet.Keys, file => Assert.True(File.Exists(Path.Combine(Root, file)), $"{file} is allow-listed but gone."));
    }

    [Fact]
    public void A_fragment_using_a_variable_the_preamble_does_not_give_fails_at_its_markdown_line()
    {
        const string Markdown = "# Doc\n\n<!-- snippet: fragment -->\n```csharp\nservices.AddExecutionSentinel();\nConsole.WriteLine(sentinelOptions);\n```\n";

        var snippet = Assert.Single(MarkdownSnippet.Extract("docs/x.md", Markdown));
        var problem = Assert.Single(SnippetCompiler.Problems(snippet));

        Assert.Equal(SnippetMode.Fragment, snippet.Mode);
        Assert.StartsWith("docs/x.md:6: CS0103", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_gets_nothing_but_what_dotnet_new_console_gives()
    {
        const string Markdown = "```csharp\nusing ExecutionSentinel;\n\nservices.AddExecutionSentinel();\nawait Task.Delay(1, cancellationToken);\n```\n";

        var problems = SnippetCompiler.Problems(Assert.Single(MarkdownSnippet.Extract("README.md", Markdown)));

        Assert.Contains(problems, p => p.StartsWith("README.md:4: CS0103", StringComparison.Ordinal)); // services
        Assert.Contains(problems, p => p.StartsWith("README.md:5: CS0103", StringComparison.Ordinal)); // cancellationToken
    }

    [Fact]
    public void A_fragments_own_usings_come_first_and_map_to_their_lines()
    {
        const string Markdown = "<!-- snippet: fragment -->\n\n```csharp\nusing Microsoft.Extensions.Time.Testing;\n\nvar time = new FakeTimeProvider();\nservices.AddSingleton<TimeProvider>(time);\nint broken = \"text\";\n```\n";

        var problem = Assert.Single(SnippetCompiler.Problems(Assert.Single(MarkdownSnippet.Extract("docs/y.md", Markdown))));

        Assert.StartsWith("docs/y.md:8: CS0029", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_snippet_mode_is_an_error_not_a_silent_program()
    {
        const string Markdown = "<!-- snippet: skip -->\n```csharp\nthis is not C#\n```\n";

        Assert.Throws<FormatException>(() => MarkdownSnippet.Extract("docs/z.md", Markdown).ToList());
    }

    private static IEnumerable<MarkdownSnippet> Snippets(string document) =>
        MarkdownSnippet.Extract(document, File.ReadAllText(Path.Combine(Root, document)));

    // README.md, docs/*.md and each package's README, as paths relative to the repository.
    private static IEnumerable<string> DocumentPaths() =>
        new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"))
            .Concat(Directory.GetDirectories(Path.Combine(Root, "src")).Select(p => Path.Combine(p, "README.md")).Where(File.Exists))
            .Select(p => Path.GetRelativePath(Root, Path.Combine(Root, p)).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionSentinel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ExecutionSentinel.sln) is not above the test assembly.");
    }
}
