using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace ExecutionSentinel.Evaluation;

/// <summary>One job of one Flow-Bench run (one CSV row).</summary>
internal sealed record FlowBenchJob(string Node, string Type, double Start, double End, double Runtime, bool Anomalous);

/// <summary>One Flow-Bench run: its label (<c>normal</c>, <c>cpu_K</c>, <c>hdd_K</c>) and its jobs.</summary>
internal sealed record FlowBenchRun(string Id, string Label, IReadOnlyList<FlowBenchJob> Jobs)
{
    public bool IsNormal => Label == "normal";
}

/// <summary>
/// Reads Flow-Bench's per-job table (<c>run,run_label,node,transformation,…,execute_start,execute_end,runtime,anomaly_type,…</c>,
/// plain or gzipped; columns found by name) and its DAG (job id → children).
/// </summary>
internal static class FlowBenchRuns
{
    public static IReadOnlyList<FlowBenchRun> ReadRuns(string path)
    {
        using var file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty.")).Split(',');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path} has no '{name}' column.");
        int run = Column("run"), label = Column("run_label"), node = Column("node"), type = Column("transformation"),
            start = Column("execute_start"), end = Column("execute_end"), runtime = Column("runtime"), anomaly = Column("anomaly_type");

        var runs = new Dictionary<string, (string Label, List<FlowBenchJob> Jobs)>(StringComparer.Ordinal);
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var f = text.Split(',');
            if (f.Length < header.Length)
            {
                throw new InvalidDataException($"{path}:{line}: {f.Length} fields, the header has {header.Length}.");
            }

            if (!runs.TryGetValue(f[run], out var entry))
            {
                runs[f[run]] = entry = (f[label], []);
            }

            entry.Jobs.Add(new FlowBenchJob(f[node], f[type], Number(f[start]), Number(f[end]), Number(f[runtime]),
                f[anomaly] is { Length: > 0 } a && !a.Equals("None", StringComparison.OrdinalIgnoreCase)));
        }

        return runs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new FlowBenchRun(r.Key, r.Value.Label, r.Value.Jobs)).ToArray();
    }

    public static IReadOnlyDictionary<string, string[]> ReadDag(string path)
    {
        using var file = File.OpenRead(path);
        return JsonSerializer.Deserialize<Dictionary<string, string[]>>(file) ?? throw new InvalidDataException($"{path} is not a DAG (job id → children).");
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
