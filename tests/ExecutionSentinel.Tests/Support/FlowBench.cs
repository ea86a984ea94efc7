using System.Globalization;
using System.IO.Compression;
using ExecutionSentinel.History;

namespace ExecutionSentinel.Tests.Support;

/// <summary>
/// Flow-Bench's labelled real runs (data/flowbench, provenance in its README), read with the BCL's GZipStream: per run, each
/// job's node, transformation, runtime and label. Found by walking up from the test assembly to the repository.
/// </summary>
internal static class FlowBench
{
    private static readonly Dictionary<string, IReadOnlyList<BenchRun>> Cache = [];

    public static IReadOnlyList<BenchRun> Runs(string workflow)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(workflow, out var runs))
            {
                Cache[workflow] = runs = Read(Path.Combine(DataDirectory(), workflow + ".csv.gz"));
            }

            return runs;
        }
    }

    private static string DataDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data", "flowbench");
            if (File.Exists(Path.Combine(candidate, "montage.csv.gz")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("data/flowbench not found above " + AppContext.BaseDirectory);
    }

    private static List<BenchRun> Read(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var header = reader.ReadLine()!.Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (run, label, node, transformation, runtime, anomaly) =
            (Column("run"), Column("run_label"), Column("node"), Column("transformation"), Column("runtime"), Column("anomaly_type"));
        var runs = new Dictionary<string, BenchRun>(StringComparer.Ordinal);
        var order = new List<BenchRun>();
        while (reader.ReadLine() is { } line)
        {
            var cells = line.Split(',');
            if (!runs.TryGetValue(cells[run], out var current))
            {
                runs[cells[run]] = current = new BenchRun(cells[run], cells[label], []);
                order.Add(current);
            }

            current.Jobs.Add(new BenchJob(cells[node], cells[transformation], double.Parse(cells[runtime], CultureInfo.InvariantCulture), cells[anomaly] is not ("None" or "")));
        }

        return order;
    }
}

internal sealed record BenchRun(string Id, string Label, List<BenchJob> Jobs)
{
    public bool IsNormal => Label == "normal";

    /// <summary>The run as a baseline store keeps it: every job's runtime under its node and transformation.</summary>
    public RunDurations Durations(DateTimeOffset endedAt) => new()
    {
        EndedAt = endedAt,
        Outcome = WatchOutcome.Completed,
        Tasks = [.. Jobs.Select(j => new TaskDuration { Name = j.Node, TaskType = j.Transformation, Duration = TimeSpan.FromSeconds(j.Runtime) })],
    };
}

internal sealed record BenchJob(string Node, string Transformation, double Runtime, bool Anomalous);
