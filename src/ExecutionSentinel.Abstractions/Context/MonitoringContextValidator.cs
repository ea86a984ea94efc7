using System.Globalization;
using System.Text.RegularExpressions;

namespace ExecutionSentinel;

/// <summary>
/// Finds every problem in a <see cref="MonitoringContext"/> at once, so a conductor can fix them in one go.
/// </summary>
internal static partial class MonitoringContextValidator
{
    private const int MaxNamespaceLength = 63;

    public static IReadOnlyList<string> Validate(MonitoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<string>();

        ValidateNamespace(context.Namespace, problems);
        if (string.IsNullOrWhiteSpace(context.EnginePodName))
        {
            problems.Add("EnginePodName is empty: name the pod that runs the workflow engine.");
        }

        if (string.IsNullOrWhiteSpace(context.EngineContainer))
        {
            problems.Add("EngineContainer is empty: name the engine's container (HyperFlow's is 'hyperflow').");
        }

        var inventoryTypes = ValidateInventory(context.TaskInventory, problems);
        ValidateDag(context.DagStructure, inventoryTypes, problems);
        return problems;
    }

    private static void ValidateNamespace(string? ns, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(ns))
        {
            problems.Add("Namespace is empty: name the Kubernetes namespace the workflow runs in.");
        }
        else if (ns.Length > MaxNamespaceLength || !DnsLabel().IsMatch(ns))
        {
            problems.Add($"Namespace '{ns}' is not a valid Kubernetes namespace (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit).");
        }
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

        foreach (var cycle in FindCycles(dag))
        {
            problems.Add($"DagStructure has a cycle: {string.Join(" -> ", cycle)}.");
        }
    }

    /// <summary>Depth-first search over prerequisite edges; self-loops are reported separately.</summary>
    private static List<List<string>> FindCycles(IReadOnlyDictionary<string, IReadOnlyList<string>> dag)
    {
        var cycles = new List<List<string>>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
        var stack = new List<string>();

        void Visit(string type)
        {
            state[type] = 1;
            stack.Add(type);
            if (dag.TryGetValue(type, out var prerequisites) && prerequisites is not null)
            {
                foreach (var next in prerequisites)
                {
                    if (next is null || next == type)
                    {
                        continue;
                    }

                    state.TryGetValue(next, out var s);
                    if (s == 0)
                    {
                        Visit(next);
                    }
                    else if (s == 1)
                    {
                        var start = stack.IndexOf(next);
                        var cycle = stack.GetRange(start, stack.Count - start);
                        cycle.Add(next);
                        cycles.Add(cycle);
                    }
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[type] = 2;
        }

        foreach (var type in dag.Keys.Order(StringComparer.Ordinal))
        {
            if (type is not null && !state.ContainsKey(type))
            {
                Visit(type);
            }
        }

        return cycles;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$", RegexOptions.CultureInvariant)]
    private static partial Regex KubernetesQuantity();
}
