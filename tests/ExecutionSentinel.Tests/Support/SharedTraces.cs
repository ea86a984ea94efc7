using ExecutionSentinel.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Finds the real traces in the shared folder beside the repository (there in CI too).</summary>
internal static class SharedTraces
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    /// <summary>The shared folder itself (traces, domain notes, HyperFlow's Job template).</summary>
    public static string SharedDirectory => System.IO.Directory.GetParent(Folder.Value)!.FullName;

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static WorkflowTrace Load(string name) => WorkflowTrace.Load(Path.Combine(Directory, name + ".json"));

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("SENTINEL_TRACES_DIR") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "traces");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "The shared traces were not found: expected a 'shared/traces' folder beside the repository, or SENTINEL_TRACES_DIR.");
    }
}
