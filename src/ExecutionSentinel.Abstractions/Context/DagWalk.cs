namespace ExecutionSentinel;

/// <summary>
/// Walks a type-level DAG (each type mapped to the types it waits for) without recursion, in time linear in its size:
/// a DAG of any depth neither overflows the stack nor takes exponential time. Null entries, unknown prerequisites,
/// self-loops and cycles are tolerated (validation reports them), never followed twice.
/// </summary>
internal static class DagWalk
{
    /// <summary>
    /// The depth of every key: 0 for a type that waits for nothing, else 1 + the depth of its deepest prerequisite
    /// (a prerequisite that is not a key has depth 0). An edge that closes a cycle counts as depth 0.
    /// </summary>
    public static Dictionary<string, int> Depths(IReadOnlyDictionary<string, IReadOnlyList<string>> dag)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var depths = new Dictionary<string, int>(dag.Count, StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<Frame>();
        foreach (var root in dag.Keys)
        {
            if (root is null || depths.ContainsKey(root))
            {
                continue;
            }

            onPath.Add(root);
            path.Add(new Frame(root, Prerequisites(dag, root)));
            while (path.Count > 0)
            {
                var frame = path[^1];
                if (frame.Next < frame.Prerequisites.Count)
                {
                    var prerequisite = frame.Prerequisites[frame.Next];
                    path[^1] = frame with { Next = frame.Next + 1 };
                    if (prerequisite is not null && dag.ContainsKey(prerequisite) && !depths.ContainsKey(prerequisite) && onPath.Add(prerequisite))
                    {
                        path.Add(new Frame(prerequisite, Prerequisites(dag, prerequisite)));
                    }

                    continue;
                }

                var depth = 0;
                foreach (var prerequisite in frame.Prerequisites)
                {
                    var below = prerequisite is not null && depths.TryGetValue(prerequisite, out var d) ? d : 0;
                    depth = Math.Max(depth, below + 1);
                }

                depths[frame.Type] = depth;
                onPath.Remove(frame.Type);
                path.RemoveAt(path.Count - 1);
            }
        }

        return depths;
    }

    /// <summary>
    /// The cycles closed by the DAG's back edges (self-loops excepted), each as the types along it with the first
    /// repeated at the end, found by depth-first search from the keys in ordinal order; at most
    /// <paramref name="limit"/> of them, with the number of the others.
    /// </summary>
    public static (List<List<string>> Cycles, int More) FindCycles(IReadOnlyDictionary<string, IReadOnlyList<string>> dag, int limit)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var cycles = new List<List<string>>();
        var more = 0;
        var done = new HashSet<string>(StringComparer.Ordinal);
        var positionOnPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<Frame>();
        foreach (var root in dag.Keys.Where(k => k is not null).Order(StringComparer.Ordinal))
        {
            if (done.Contains(root))
            {
                continue;
            }

            positionOnPath[root] = 0;
            path.Add(new Frame(root, Prerequisites(dag, root)));
            while (path.Count > 0)
            {
                var frame = path[^1];
                if (frame.Next < frame.Prerequisites.Count)
                {
                    var next = frame.Prerequisites[frame.Next];
                    path[^1] = frame with { Next = frame.Next + 1 };
                    if (next is null || next == frame.Type || done.Contains(next))
                    {
                        continue;
                    }

                    if (positionOnPath.TryGetValue(next, out var start))
                    {
                        if (cycles.Count < limit)
                        {
                            var cycle = new List<string>(path.Count - start + 1);
                            for (var i = start; i < path.Count; i++)
                            {
                                cycle.Add(path[i].Type);
                            }

                            cycle.Add(next);
                            cycles.Add(cycle);
                        }
                        else
                        {
                            more++;
                        }

                        continue;
                    }

                    positionOnPath[next] = path.Count;
                    path.Add(new Frame(next, Prerequisites(dag, next)));
                    continue;
                }

                positionOnPath.Remove(frame.Type);
                done.Add(frame.Type);
                path.RemoveAt(path.Count - 1);
            }
        }

        return (cycles, more);
    }

    private static IReadOnlyList<string> Prerequisites(IReadOnlyDictionary<string, IReadOnlyList<string>> dag, string type) =>
        dag.TryGetValue(type, out var prerequisites) && prerequisites is not null ? prerequisites : [];

    private readonly record struct Frame(string Type, IReadOnlyList<string> Prerequisites, int Next = 0);
}
