using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExecutionSentinel.Testing;

/// <summary>
/// A real workflow execution trace (WfCommons format, reduced): per-task runtimes and the task DAG.
/// </summary>
/// <remarks>Public because tests load traces to replay.</remarks>
public sealed class WorkflowTrace
{
    private const string ResourcePrefix = "ExecutionSentinel.Testing.Traces.";
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private WorkflowTrace(string name, string application, TimeSpan makespan, IReadOnlyList<TraceTask> tasks)
    {
        Name = name;
        Application = application;
        Makespan = makespan;
        Tasks = tasks;
    }

    /// <summary>The trace's name (its file name without extension).</summary>
    public string Name { get; }

    /// <summary>The application, e.g. <c>1000genome</c>.</summary>
    public string Application { get; }

    /// <summary>The measured makespan of the original run.</summary>
    public TimeSpan Makespan { get; }

    /// <summary>Every task, in trace order.</summary>
    public IReadOnlyList<TraceTask> Tasks { get; }

    /// <summary>The names of the traces bundled in this package (usable with <see cref="LoadBundled"/>).</summary>
    public static IReadOnlyList<string> BundledNames { get; } = typeof(WorkflowTrace).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The name of the small 1000genome trace (52 tasks, 5 types) the demo replays by default.</summary>
    public const string DefaultBundledName = "1000genome-chameleon-2ch-100k-001";

    /// <summary>Loads a bundled trace.</summary>
    /// <param name="name">One of <see cref="BundledNames"/>.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentException">No bundled trace has that name.</exception>
    public static WorkflowTrace LoadBundled(string name = DefaultBundledName)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var stream = typeof(WorkflowTrace).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json")
            ?? throw new ArgumentException($"No bundled trace is named '{name}'. Bundled: {string.Join(", ", BundledNames)}.", nameof(name));
        return Parse(stream, name);
    }

    /// <summary>Loads a trace file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid trace; the message says where.</exception>
    public static WorkflowTrace Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Parse(stream, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses a trace.</summary>
    /// <param name="json">The trace's JSON.</param>
    /// <param name="name">The name to give it.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="InvalidDataException">The JSON is not a valid trace; the message lists every problem.</exception>
    public static WorkflowTrace Parse(Stream json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        TraceDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<TraceDocument>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Trace '{name}' is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }

        if (document?.Tasks is null)
        {
            throw new InvalidDataException($"Trace '{name}' has no 'tasks' array.");
        }

        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tasks = new List<TraceTask>(document.Tasks.Count);
        for (var i = 0; i < document.Tasks.Count; i++)
        {
            var t = document.Tasks[i];
            var where = $"tasks[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (string.IsNullOrWhiteSpace(t.Name) || string.IsNullOrWhiteSpace(t.Category))
            {
                problems.Add($"{where}: 'name' and 'category' are required.");
                continue;
            }

            if (!names.Add(t.Name))
            {
                problems.Add($"{where}: duplicate task name '{t.Name}'.");
            }

            if (!double.IsFinite(t.RuntimeSeconds) || t.RuntimeSeconds < 0)
            {
                problems.Add($"{where} ('{t.Name}'): runtimeSeconds must be a finite number of 0 or more.");
                continue;
            }

            tasks.Add(new TraceTask(t.Name, t.Category, TimeSpan.FromSeconds(t.RuntimeSeconds), t.Parents ?? [], t.Machine, t.MemoryBytes));
        }

        foreach (var task in tasks)
        {
            foreach (var parent in task.Parents)
            {
                if (!names.Contains(parent))
                {
                    problems.Add($"Task '{task.Name}' names unknown parent '{parent}'.");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Trace '{name}' is invalid:{string.Concat(problems.Select(p => Environment.NewLine + "  - " + p))}");
        }

        return new WorkflowTrace(
            name,
            document.Application ?? name,
            TimeSpan.FromSeconds(double.IsFinite(document.MakespanSeconds) ? Math.Max(0, document.MakespanSeconds) : 0),
            tasks);
    }

    /// <summary>The median runtime of each task type.</summary>
    /// <returns>The medians, by type.</returns>
    public IReadOnlyDictionary<string, TimeSpan> MedianRuntimes() => Tasks
        .GroupBy(t => t.Category, StringComparer.Ordinal)
        .ToDictionary(
            g => g.Key,
            g =>
            {
                var sorted = g.Select(t => t.Runtime).Order().ToArray();
                return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
            },
            StringComparer.Ordinal);

    /// <summary>
    /// Makes the <see cref="MonitoringContext"/> a conductor would hand over for this run: one <see cref="TaskSpec"/>
    /// per task, DAG order from each type's depth, and the type-level DAG.
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="enginePodName">The engine pod.</param>
    /// <param name="expectedDurations">Where expected durations come from.</param>
    /// <returns>The context.</returns>
    public MonitoringContext ToMonitoringContext(
        string @namespace = "wf-simulated",
        string enginePodName = "hyperflow-engine-0",
        ExpectedDurationSource expectedDurations = ExpectedDurationSource.TypeMedian)
    {
        var byName = Tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var dag = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var task in Tasks)
        {
            if (!dag.TryGetValue(task.Category, out var prerequisites))
            {
                dag[task.Category] = prerequisites = new SortedSet<string>(StringComparer.Ordinal);
            }

            foreach (var parent in task.Parents)
            {
                var parentType = byName[parent].Category;
                if (parentType != task.Category)
                {
                    prerequisites.Add(parentType);
                }
            }
        }

        var depth = Depths(dag);
        var medians = MedianRuntimes();
        return new MonitoringContext
        {
            Namespace = @namespace,
            EnginePodName = enginePodName,
            TaskInventory = Tasks.Select(t => new TaskSpec
            {
                Name = t.Name,
                TaskType = t.Category,
                DagOrder = depth[t.Category],
                ExpectedDuration = expectedDurations switch
                {
                    ExpectedDurationSource.TypeMedian => medians[t.Category],
                    ExpectedDurationSource.TaskRuntime => t.Runtime,
                    _ => null,
                },
            }).ToArray(),
            DagStructure = dag.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.ToArray(), StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Each type's depth in the type-level DAG (0 for a type that waits for nothing, else 1 + its deepest prerequisite's),
    /// without recursion: a trace of any depth cannot overflow the stack. An edge that closes a cycle counts as depth 0.
    /// </summary>
    private static Dictionary<string, int> Depths(Dictionary<string, SortedSet<string>> dag)
    {
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var path = new Stack<(string Type, IEnumerator<string> Prerequisites)>();
        foreach (var root in dag.Keys)
        {
            if (depths.ContainsKey(root))
            {
                continue;
            }

            onPath.Add(root);
            path.Push((root, dag[root].GetEnumerator()));
            while (path.Count > 0)
            {
                var (type, prerequisites) = path.Peek();
                if (prerequisites.MoveNext())
                {
                    var next = prerequisites.Current;
                    if (dag.ContainsKey(next) && !depths.ContainsKey(next) && onPath.Add(next))
                    {
                        path.Push((next, dag[next].GetEnumerator()));
                    }

                    continue;
                }

                prerequisites.Dispose();
                depths[type] = dag[type].Count == 0 ? 0 : 1 + dag[type].Max(p => depths.GetValueOrDefault(p));
                onPath.Remove(type);
                path.Pop();
            }
        }

        return depths;
    }

    private sealed class TraceDocument
    {
        public string? Application { get; set; }

        public double MakespanSeconds { get; set; }

        public List<TraceTaskDocument>? Tasks { get; set; }
    }

    private sealed class TraceTaskDocument
    {
        public string? Name { get; set; }

        public string? Category { get; set; }

        public double RuntimeSeconds { get; set; }

        public List<string>? Parents { get; set; }

        public string? Machine { get; set; }

        [JsonPropertyName("memoryBytes")]
        public long? MemoryBytes { get; set; }
    }
}
