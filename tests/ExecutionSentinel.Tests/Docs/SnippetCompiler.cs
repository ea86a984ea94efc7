using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutionSentinel.Tests.Docs;

/// <summary>
/// Compiles a documentation snippet with Roslyn against the project's assemblies, their dependencies and the framework,
/// and answers its errors and warnings as <c>file:line</c> of the markdown (through <c>#line</c> directives).
/// </summary>
internal static class SnippetCompiler
{
    // What `dotnet new console` puts in scope (ImplicitUsings for Microsoft.NET.Sdk).
    private static readonly string[] ConsoleUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    // A fragment's preamble: the library's namespaces and the Microsoft.Extensions ones every conductor has, and the
    // variables a conductor's code has at hand. Anything else (OpenTelemetry, Polly, health checks, FakeTimeProvider)
    // the snippet names itself, so that a reader can copy it.
    private static readonly string[] FragmentUsings =
    [
        "ExecutionSentinel", "ExecutionSentinel.Detection", "ExecutionSentinel.Probing", "ExecutionSentinel.Testing",
        "ExecutionSentinel.Watchdog", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    public const string FragmentVariables = """
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        IServiceCollection services = builder.Services;
        IConfiguration configuration = builder.Configuration;
        IServiceProvider provider = services.BuildServiceProvider();
        CancellationToken cancellationToken = CancellationToken.None;
        """;

    // Test-only assemblies that a reader's project would not have: a snippet that needs them must not compile.
    private static readonly string[] NotForSnippets =
    [
        "ExecutionSentinel.Tests", "ExecutionSentinel.FakeKube", "execution-sentinel", "xunit", "NSubstitute", "Castle.",
        "CsCheck", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "testhost", "Microsoft.CodeAnalysis", "Spectre.",
        "System.CommandLine", "DotNetEnv", "Microsoft.Extensions.Diagnostics.Testing",
    ];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static IReadOnlyList<string> Problems(MarkdownSnippet snippet)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var code = CSharpSyntaxTree.ParseText(Source(snippet), options, path: "snippet.cs", encoding: Encoding.UTF8);
        var usings = snippet.Mode == SnippetMode.Fragment ? ConsoleUsings.Concat(FragmentUsings) : ConsoleUsings;
        var implicitUsings = CSharpSyntaxTree.ParseText(
            string.Concat(usings.Select(u => $"global using global::{u};\n")), options, path: "ImplicitUsings.g.cs");
        var executable = code.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [implicitUsings, code],
            References.Value,
            new CSharpCompilationOptions(executable ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d =>
            {
                var where = d.Location.GetMappedLineSpan();
                return $"{where.Path}:{where.StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })];
    }

    /// <summary>The snippet as a file whose lines map back to the markdown; a fragment's preamble maps nowhere.</summary>
    private static string Source(MarkdownSnippet snippet)
    {
        var lines = snippet.Code.Split('\n');
        var file = snippet.File.Replace("\\", "/", StringComparison.Ordinal);
        var source = new StringBuilder();
        var body = 0;
        if (snippet.Mode == SnippetMode.Fragment)
        {
            // A fragment's own usings must precede the preamble's statements.
            while (body < lines.Length && IsUsingOrBlank(lines[body]))
            {
                body++;
            }

            source.Append($"#line {snippet.FirstLine} \"{file}\"\n");
            source.AppendJoin('\n', lines[..body]).Append('\n');
            source.Append("#line hidden\n").Append(FragmentVariables).Append('\n');
        }

        source.Append($"#line {snippet.FirstLine + body} \"{file}\"\n");
        source.AppendJoin('\n', lines[body..]).Append('\n');
        return source.ToString();
    }

    private static bool IsUsingOrBlank(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        var trimmed = (comment < 0 ? line : line[..comment]).Trim();
        return trimmed.Length == 0
            || (trimmed.StartsWith("using ", StringComparison.Ordinal) && trimmed.EndsWith(';') && !trimmed.Contains('(', StringComparison.Ordinal)
                && !trimmed.StartsWith("using var ", StringComparison.Ordinal));
    }

    // The framework (with ASP.NET Core's, for Microsoft.Extensions.Hosting) and the packages this test project restores:
    // the libraries and their dependencies, and the OpenTelemetry packages the docs name.
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trusted
            .Where(path => !NotForSnippets.Any(name => Path.GetFileName(path).StartsWith(name, StringComparison.OrdinalIgnoreCase)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }
}
