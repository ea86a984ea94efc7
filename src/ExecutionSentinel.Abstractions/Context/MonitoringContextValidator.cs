using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ExecutionSentinel;

/// <summary>
/// Finds every problem in a <see cref="MonitoringContext"/> at once, so a conductor can fix them in one go.
/// </summary>
internal static partial class MonitoringContextValidator
{
    private const int MaxLabelLength = 63;
    private const int MaxSubdomainLength = 253;
    private const int MaxCyclesReported = 10;
    private const int MaxCycleTypesShown = 12;
    private const int MaxProblems = 100;
    private const int MaxShownLength = 64;

    /// <summary>The longest expected duration a task may have: a year. Longer ones are typos (milliseconds for seconds).</summary>
    internal static readonly TimeSpan MaxExpectedDuration = TimeSpan.FromDays(365);

    public static IReadOnlyList<string> Validate(MonitoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<string>();

        // The namespace, the engine pod and its container go into request URLs: each must be a name Kubernetes accepts,
        // so that nothing like 'a/../b' or '%2F' can point a request elsewhere.
        if (string.IsNullOrWhiteSpace(context.Namespace))
        {
            problems.Add("Namespace is empty: name the Kubernetes namespace the workflow runs in.");
        }
        else if (!IsDnsLabel(context.Namespace))
        {
            problems.Add($"Namespace {Shown(context.Namespace)} is not a valid Kubernetes namespace (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit).");
        }

        if (string.IsNullOrWhiteSpace(context.EnginePodName))
        {
            problems.Add("EnginePodName is empty: name the pod that runs the workflow engine.");
        }
        else if (!IsDnsSubdomain(context.EnginePodName))
        {
            problems.Add($"EnginePodName {Shown(context.EnginePodName)} is not a valid Kubernetes pod name (lowercase letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit).");
        }

        if (string.IsNullOrWhiteSpace(context.EngineContainer))
        {
            problems.Add("EngineContainer is empty: name the engine's container (HyperFlow's is 'hyperflow').");
        }
        else if (!IsDnsLabel(context.EngineContainer))
        {
            problems.Add($"EngineContainer {Shown(context.EngineContainer)} is not a valid Kubernetes container name (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit).");
        }

        ValidateWorkflowName(context.WorkflowName, problems);
        var inventoryTypes = ValidateInventory(context.TaskInventory, problems);
        ValidateDag(context.DagStructure, inventoryTypes, problems);
        if (problems.Count > MaxProblems)
        {
            var more = problems.Count - MaxProblems;
            problems.RemoveRange(MaxProblems, more);
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"… and {more} more problem(s)."));
        }

        return problems;
    }

    /// <summary>
    /// The workflow name keys a history store (a file name, a database key): any text an operator would recognise, but not
    /// an empty one, nor one that differs from another only by invisible characters.
    /// </summary>
    private static void ValidateWorkflowName(string? name, List<string> problems)
    {
        if (name is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add("WorkflowName is empty: name the workflow (the same for each of its runs), or leave it null for no history.");
        }
        else if (name.Length > MaxSubdomainLength)
        {
            problems.Add($"WorkflowName {Shown(name)} is too long; it must be at most 253 characters.");
        }
        else if (name.Any(char.IsControl))
        {
            problems.Add($"WorkflowName {Shown(name)} holds control characters.");
        }
        else if (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
        {
            problems.Add($"WorkflowName {Shown(name)} starts or ends with white space.");
        }
    }

    private static bool IsDnsLabel(string name) => name.Length <= MaxLabelLength && DnsLabel().IsMatch(name);

    private static bool IsDnsSubdomain(string name) => name.Length <= MaxSubdomainLength && DnsSubdomain().IsMatch(name);

    /// <summary>A value quoted for a message: control characters escaped, a long one cut short with its length.</summary>
    private static string Shown(string value)
    {
        var escaped = new StringBuilder();
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxShownLength)))
        {
            if (char.IsControl(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return value.Length <= MaxShownLength
            ? $"'{escaped}'"
            : string.Create(CultureInfo.InvariantCulture, $"'{escaped}…' ({value.Length} characters)");
    }

    private static HashSet<string> ValidateInventory(IReadOnlyList<TaskSpec>? inventory, List<string> problems)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        if (inventory is null)
        {
            problems.Add("TaskInventory is null: pass an empty list when the inventory is unknown.");
            return types;
        }

        var firstIndexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < inventory.Count; i++)
        {
            var task = inventory[i];
            var where = $"TaskInventory[{i}]";
            if (task is null)
            {
                problems.Add($"{where} is null.");
                continue;
            }

            where = string.IsNullOrWhiteSpace(task.Name) ? where : $"{where} ('{task.Name}')";
            if (string.IsNullOrWhiteSpace(task.Name))
            {
                problems.Add($"{where}: Name is empty.");
            }
            else if (!firstIndexByName.TryAdd(task.Name, i))
            {
                problems.Add($"{where}: duplicate task name; TaskInventory[{firstIndexByName[task.Name]}] has the same name.");
            }

            if (string.IsNullOrWhiteSpace(task.TaskType))
            {
                problems.Add($"{where}: TaskType is empty.");
            }
            else
            {
                types.Add(task.TaskType);
            }

            if (task.DagOrder < 0)
            {
                problems.Add($"{where}: DagOrder is {task.DagOrder.ToString(CultureInfo.InvariantCulture)}; it must be 0 or more.");
            }

            if (task.ExpectedDuration is { } expected && expected < TimeSpan.Zero)
            {
                problems.Add($"{where}: ExpectedDuration is negative ({expected.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s).");
            }
            else if (task.ExpectedDuration > MaxExpectedDuration)
            {
                problems.Add($"{where}: ExpectedDuration is {task.ExpectedDuration.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; it must be at most 365 days.");
            }

            ValidateQuantity(task.MemoryLimit, $"{where}: MemoryLimit", problems);
            ValidateQuantity(task.CpuLimit, $"{where}: CpuLimit", problems);
        }

        return types;
    }

    private static void ValidateQuantity(string? quantity, string where, List<string> problems)
    {
        if (quantity is not null && !KubernetesQuantity().IsMatch(quantity))
        {
            problems.Add($"{where} '{quantity}' is not a Kubernetes quantity (e.g. '512Mi', '2Gi', '500m', '1').");
        }
    }

    private static void ValidateDag(
        IReadOnlyDictionary<string, IReadOnlyList<string>>? dag,
        HashSet<string> inventoryTypes,
        List<string> problems)
    {
        if (dag is null)
        {
            problems.Add("DagStructure is null: pass an empty map when the DAG is unknown.");
            return;
        }

        var known = new HashSet<string>(inventoryTypes, StringComparer.Ordinal);
        known.UnionWith(dag.Keys);
        foreach (var (type, prerequisites) in dag)
        {
            if (string.IsNullOrWhiteSpace(type))
            {
                problems.Add("DagStructure has an empty task type as a key.");
            }

            if (prerequisites is null)
            {
                problems.Add($"DagStructure['{type}'] is null: use an empty list for a type with no prerequisites.");
                continue;
            }

            foreach (var prerequisite in prerequisites)
            {
                if (prerequisite is null || !known.Contains(prerequisite))
                {
                    problems.Add($"DagStructure['{type}'] names unknown task type '{prerequisite}' (neither a DAG key nor a type in TaskInventory).");
                }
                else if (prerequisite == type)
                {
                    problems.Add($"DagStructure['{type}'] names itself as a prerequisite.");
                }
            }
        }

        var (cycles, more) = DagWalk.FindCycles(dag, MaxCyclesReported);
        foreach (var cycle in cycles)
        {
            problems.Add(DescribeCycle(cycle));
        }

        if (more > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"DagStructure has {more} more cycle(s) besides those above."));
        }
    }

    /// <summary>A short cycle in full; a long one by its first and last types, so that the message stays readable.</summary>
    private static string DescribeCycle(List<string> cycle)
    {
        if (cycle.Count <= MaxCycleTypesShown)
        {
            return $"DagStructure has a cycle: {string.Join(" -> ", cycle)}.";
        }

        var types = cycle.Count - 1;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"DagStructure has a cycle through {types} types: {string.Join(" -> ", cycle.Take(5))} -> … -> {string.Join(" -> ", cycle.TakeLast(2))}.");
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$", RegexOptions.CultureInvariant)]
    private static partial Regex KubernetesQuantity();
}
