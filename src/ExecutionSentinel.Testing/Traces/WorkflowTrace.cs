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

    /// <summary>Parses a trace: a WfCommons instance (WfFormat 1.0 to 1.6) or the reduced form of <c>data/traces</c>.</summary>
    /// <param name="json">The trace's JSON.</param>
    /// <param name="name">The name to give it.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="InvalidDataException">The JSON is not a valid trace; the message lists every problem.</exception>
    public static WorkflowTrace Parse(Stream json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Trace '{name}' is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }

        using (parsed)
        {
            if (WfCommonsReader.IsWfCommons(parsed.RootElement))
            {
                var (application, makespan, wfTasks, wfProblems) = WfCommonsReader.Read(parsed.RootElement, name);
                return Validated(name, application, makespan, wfTasks, wfProblems);
            }

            TraceDocument? document;
            try
            {
                document = parsed.RootElement.Deserialize<TraceDocument>(JsonOptions);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Trace '{name}' is not a trace: {ex.Message}", ex);
            }

            if (document?.Tasks is null)
            {
                throw new InvalidDataException($"Trace '{name}' has no 'tasks' array (nor a WfCommons 'workflow').");
            }

            var problems = new List<string>();
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

                if (!double.IsFinite(t.RuntimeSeconds) || t.RuntimeSeconds < 0)
                {
                    problems.Add($"{where} ('{t.Name}'): runtimeSeconds must be a finite number of 0 or more.");
                    continue;
                }

                tasks.Add(new TraceTask(t.Name, t.Category, TimeSpan.FromSeconds(t.RuntimeSeconds), t.Parents ?? [], t.Machine, t.MemoryBytes));
            }

            return Validated(
                name,
                document.Application ?? name,
                TimeSpan.FromSeconds(double.IsFinite(document.MakespanSeconds) ? Math.Max(0, document.MakespanSeconds) : 0),
                tasks,
                problems);
        }
    }

    /// <summary>
    /// Builds a trace from code: a workflow of your own, or runs recorded in another format (per-job tables, logs).
    /// </summary>
    /// <param name="name">The trace's name.</param>
    /// <param name="tasks">Its tasks, in the order to schedule equals in; parents must be tasks of the trace.</param>
    /// <param name="application">The application; <paramref name="name"/> when null.</param>
    /// <param name="makespan">The measured makespan, when known; else the latest end among tasks with start offsets, or zero.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="InvalidDataException">Names repeat, a parent is unknown, or the tasks' dependencies form a cycle.</exception>
    public static WorkflowTrace Create(string name, IEnumerable<TraceTask> tasks, string? application = null, TimeSpan? makespan = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(tasks);
        var list = tasks.ToList();
        var measured = makespan ?? list.Where(t => t.StartOffset is not null).Select(t => t.StartOffset!.Value + t.Runtime).DefaultIfEmpty(TimeSpan.Zero).Max();
        return Validated(name, application ?? name, measured, list, []);
    }

    private static WorkflowTrace Validated(string name, string application, TimeSpan makespan, List<TraceTask> tasks, List<string> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (!names.Add(task.Name))
            {
                problems.Add($"Duplicate task name '{task.Name}'.");
            }
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

        if (problems.Count == 0 && TaskCycle(tasks) is { } cycle)
        {
            problems.Add($"The tasks' dependencies form a cycle through '{cycle}'.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Trace '{name}' is invalid:{string.Concat(problems.Select(p => Environment.NewLine + "  - " + p))}");
        }

        return new WorkflowTrace(name, application, makespan, tasks);
    }

    /// <summary>A task on a dependency cycle, or null (Kahn's algorithm: what cannot be ordered is on or behind a cycle).</summary>
    private static string? TaskCycle(List<TraceTask> tasks)
    {
        var waiting = tasks.ToDictionary(t => t.Name, t => t.Parents.Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        var children = tasks.SelectMany(t => t.Parents.Distinct(StringComparer.Ordinal).Select(p => (Parent: p, Child: t.Name)))
            .ToLookup(e => e.Parent, e => e.Child, StringComparer.Ordinal);
        var ready = new Queue<string>(waiting.Where(w => w.Value == 0).Select(w => w.Key));
        var ordered = 0;
        while (ready.TryDequeue(out var next))
        {
            ordered++;
            foreach (var child in children[next])
            {
                if (--waiting[child] == 0)
                {
                    ready.Enqueue(child);
                }
            }
        }

        return ordered == tasks.Count ? null : waiting.First(w => w.Value > 0).Key;
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
    /// <remarks>
    /// The type-level DAG is kept acyclic, as a context requires: where tasks of one type sit at several depths (Pegasus'
    /// transfer and registration jobs before and after the compute jobs), a type edge that would close a cycle is left
    /// out. Edges are taken from the shallowest tasks first, so the DAG keeps the order in which types first run.
    /// </remarks>
    /// <param name="namespace">The namespace.</param>
    /// <param name="enginePodName">The engine pod.</param>
    /// <param name="expectedDurations">Where expected durations come from.</param>
    /// <returns>The context.</returns>
    public MonitoringContext ToMonitoringContext(
        string @namespace = "wf-simulated",
        string enginePodName = "hyperflow-engine-0",
        ExpectedDurationSource expectedDurations = ExpectedDurationSource.SameRunTypeMedian)
    {
        var dag = TypeDag();
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
                    ExpectedDurationSource.SameRunTypeMedian => medians[t.Category],
                    ExpectedDurationSource.TaskRuntime => t.Runtime,
                    _ => null,
                },
            }).ToArray(),
            DagStructure = dag.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.ToArray(), StringComparer.Ordinal),
        };
    }

    /// <summary>The type-level DAG, without the edges that would close a cycle (taken shallowest child task first).</summary>
    private Dictionary<string, SortedSet<string>> TypeDag()
    {
        var byName = Tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var taskDepth = TaskDepths(byName);
        var dag = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var task in Tasks)
        {
            dag.TryAdd(task.Category, new SortedSet<string>(StringComparer.Ordinal));
        }

        var edges = Tasks
            .SelectMany(t => t.Parents.Select(p => (Parent: byName[p].Category, Child: t.Category, Depth: taskDepth[t.Name])))
            .Where(e => e.Parent != e.Child)
            .GroupBy(e => (e.Parent, e.Child))
            .Select(g => (g.Key.Parent, g.Key.Child, Depth: g.Min(e => e.Depth)))
            .OrderBy(e => e.Depth).ThenBy(e => e.Child, StringComparer.Ordinal).ThenBy(e => e.Parent, StringComparer.Ordinal);
        foreach (var (parent, child, _) in edges)
        {
            if (!IsPrerequisite(dag, child, of: parent))
            {
                dag[child].Add(parent);
            }
        }

        return dag;
    }

    /// <summary>Whether <paramref name="type"/> is already, directly or not, a prerequisite of <paramref name="of"/>.</summary>
    private static bool IsPrerequisite(Dictionary<string, SortedSet<string>> dag, string type, string of)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { of };
        var pending = new Stack<string>([of]);
        while (pending.TryPop(out var next))
        {
            foreach (var prerequisite in dag[next])
            {
                if (prerequisite == type)
                {
                    return true;
                }

                if (seen.Add(prerequisite))
                {
                    pending.Push(prerequisite);
                }
            }
        }

        return false;
    }

    /// <summary>Each task's depth in the task DAG (longest chain of parents), in topological order; the trace has no cycle.</summary>
    private Dictionary<string, int> TaskDepths(Dictionary<string, TraceTask> byName)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var waiting = Tasks.ToDictionary(t => t.Name, t => t.Parents.Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        var children = Tasks.SelectMany(t => t.Parents.Distinct(StringComparer.Ordinal).Select(p => (Parent: p, Child: t.Name)))
            .ToLookup(e => e.Parent, e => e.Child, StringComparer.Ordinal);
        var ready = new Queue<string>(Tasks.Where(t => waiting[t.Name] == 0).Select(t => t.Name));
        while (ready.TryDequeue(out var next))
        {
            depth[next] = byName[next].Parents.Select(p => depth[p] + 1).DefaultIfEmpty(0).Max();
            foreach (var child in children[next])
            {
                if (--waiting[child] == 0)
                {
                    ready.Enqueue(child);
                }
            }
        }

        return depth;
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
