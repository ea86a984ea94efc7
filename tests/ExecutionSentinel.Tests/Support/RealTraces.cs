using ExecutionSentinel.Testing;

namespace ExecutionSentinel.Tests.Support;

/// <summary>
/// The real traces kept in the repository (<c>data/traces</c>, provenance and licence in its README), copied beside the
/// test assembly by the project file, so the tests need nothing outside the repository.
/// </summary>
internal static class RealTraces
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "data", "traces");

    public static IEnumerable<string> Names()
    {
        var names = System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray()
            : [];
        return names.Length > 0
            ? names
            : throw new DirectoryNotFoundException(
                $"No real traces in '{Directory}': the test project copies the repository's data/traces there on build.");
    }

    public static WorkflowTrace Load(string name) => WorkflowTrace.Load(Path.Combine(Directory, name + ".json"));
}
