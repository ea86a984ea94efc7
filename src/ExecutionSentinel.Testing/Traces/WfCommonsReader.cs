using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExecutionSentinel.Testing;

/// <summary>
/// Reads a WfCommons instance (WfFormat, https://github.com/wfcommons/WfFormat) into trace tasks. Two layouts exist:
/// schema 1.0–1.4 list <c>workflow.jobs</c> (1.0–1.2) or <c>workflow.tasks</c> with <c>runtime</c> or
/// <c>runtimeInSeconds</c>, parents by task name, an optional <c>category</c>; schema 1.5 and later split
/// <c>workflow.specification.tasks</c> (name, id, parents by id) from <c>workflow.execution.tasks</c> (id,
/// <c>runtimeInSeconds</c>, <c>executedAt</c>, <c>machines</c>, <c>memoryInBytes</c>).
/// </summary>
internal static partial class WfCommonsReader
{
    /// <summary>Whether the document is a WfCommons instance (it has a <c>workflow</c> object) rather than the reduced form.</summary>
    public static bool IsWfCommons(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("workflow", out var workflow) && workflow.ValueKind == JsonValueKind.Object;

    public static (string Application, TimeSpan Makespan, List<TraceTask> Tasks, List<string> Problems) Read(JsonElement root, string name)
    {
        var workflow = root.GetProperty("workflow");
        var application = String(root, "name") ?? name;
        var problems = new List<string>();
        var tasks = workflow.TryGetProperty("specification", out var specification) && specification.ValueKind == JsonValueKind.Object
            ? ReadSplit(workflow, specification, problems)
            : ReadCombined(workflow, problems);
        var makespan = Number(workflow, "makespanInSeconds") ?? Number(workflow, "makespan")
            ?? (workflow.TryGetProperty("execution", out var execution) ? Number(execution, "makespanInSeconds") : null) ?? 0;
        return (application, TimeSpan.FromSeconds(Math.Max(0, makespan)), tasks, problems);
    }

    /// <summary>Schema 1.0–1.4: one list of tasks (or jobs), each with its runtime and its parents' names.</summary>
    private static List<TraceTask> ReadCombined(JsonElement workflow, List<string> problems)
    {
        var list = workflow.TryGetProperty("tasks", out var t) ? t : workflow.TryGetProperty("jobs", out var j) ? j : default;
        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add("'workflow' has neither a 'tasks' nor a 'jobs' array, nor a 'specification'.");
            return [];
        }

        var starts = new List<(int Index, DateTimeOffset At)>();
        var raw = new List<(string Name, string Category, double Runtime, List<string> Parents, string? Machine, long? Memory)>();
        var i = 0;
        foreach (var task in list.EnumerateArray())
        {
            var where = $"workflow.tasks[{i.ToString(CultureInfo.InvariantCulture)}]";
            var taskName = String(task, "name");
            var runtime = Number(task, "runtimeInSeconds") ?? Number(task, "runtime");
            if (taskName is null || runtime is not { } seconds || !double.IsFinite(seconds) || seconds < 0)
            {
                problems.Add($"{where}: 'name' and a runtime ('runtimeInSeconds' or 'runtime', 0 or more seconds) are required.");
                i++;
                continue;
            }

            var category = String(task, "category") ?? CategoryOf(taskName);
            if (Date(task, "executedAt") is { } at)
            {
                starts.Add((raw.Count, at));
            }

            raw.Add((taskName, category, seconds, Strings(task, "parents"), String(task, "machine"), Integer(task, "memoryInBytes") ?? Integer(task, "memory")));
            i++;
        }

        var offsets = Offsets(starts, raw.Count);
        return raw.Select((r, k) => new TraceTask(r.Name, r.Category, TimeSpan.FromSeconds(r.Runtime), r.Parents, r.Machine, r.Memory, offsets[k])).ToList();
    }

    /// <summary>Schema 1.5 and later: the specification (names, ids, parents by id) joined to the execution (runtimes) by id.</summary>
    private static List<TraceTask> ReadSplit(JsonElement workflow, JsonElement specification, List<string> problems)
    {
        if (!specification.TryGetProperty("tasks", out var specTasks) || specTasks.ValueKind != JsonValueKind.Array)
        {
            problems.Add("'workflow.specification' has no 'tasks' array.");
            return [];
        }

        var executed = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (workflow.TryGetProperty("execution", out var execution) && execution.TryGetProperty("tasks", out var execTasks)
            && execTasks.ValueKind == JsonValueKind.Array)
        {
            foreach (var task in execTasks.EnumerateArray())
            {
                if (String(task, "id") is { } id)
                {
                    executed[id] = task;
                }
            }
        }
        else
        {
            problems.Add("'workflow.execution.tasks' is missing: a trace needs each task's runtime.");
            return [];
        }

        // Task names in 1.5 are often the program (shared by many tasks); the id is what is unique, so it names the task.
        var specs = new List<(string Id, string Category, List<string> Parents)>();
        var i = 0;
        foreach (var task in specTasks.EnumerateArray())
        {
            var id = String(task, "id");
            var taskName = String(task, "name");
            if (id is null || taskName is null)
            {
                problems.Add($"workflow.specification.tasks[{i.ToString(CultureInfo.InvariantCulture)}]: 'name' and 'id' are required.");
            }
            else
            {
                specs.Add((id, CategoryOf(taskName), Strings(task, "parents")));
            }

            i++;
        }

        var starts = new List<(int Index, DateTimeOffset At)>();
        var raw = new List<(string Id, string Category, double Runtime, List<string> Parents, string? Machine, long? Memory)>();
        foreach (var (id, category, parents) in specs)
        {
            if (!executed.TryGetValue(id, out var run) || Number(run, "runtimeInSeconds") is not { } seconds || !double.IsFinite(seconds) || seconds < 0)
            {
                problems.Add($"Task '{id}' has no execution record with 'runtimeInSeconds' (0 or more).");
                continue;
            }

            if (Date(run, "executedAt") is { } at)
            {
                starts.Add((raw.Count, at));
            }

            var machines = Strings(run, "machines");
            raw.Add((id, category, seconds, parents, machines.Count > 0 ? machines[0] : null, Integer(run, "memoryInBytes")));
        }

        var offsets = Offsets(starts, raw.Count);
        return raw.Select((r, k) => new TraceTask(r.Id, r.Category, TimeSpan.FromSeconds(r.Runtime), r.Parents, r.Machine, r.Memory, offsets[k])).ToList();
    }

    /// <summary>Start offsets from the earliest start, only when every task has one (a partial schedule cannot be replayed).</summary>
    private static TimeSpan?[] Offsets(List<(int Index, DateTimeOffset At)> starts, int count)
    {
        var offsets = new TimeSpan?[count];
        if (count == 0 || starts.Count != count)
        {
            return offsets;
        }

        var first = starts.Min(s => s.At);
        foreach (var (index, at) in starts)
        {
            offsets[index] = at - first;
        }

        return offsets;
    }

    /// <summary>
    /// A task's type from its name when no category is given: Pegasus names tasks <c>&lt;transformation&gt;_ID0000001</c>.
    /// </summary>
    internal static string CategoryOf(string taskName)
    {
        var match = IdSuffix().Match(taskName);
        return match.Success && match.Index > 0 ? taskName[..match.Index] : taskName;
    }

    [GeneratedRegex(@"_ID\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdSuffix();

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    private static double? Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static long? Integer(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static DateTimeOffset? Date(JsonElement element, string property) =>
        String(element, property) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static List<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
