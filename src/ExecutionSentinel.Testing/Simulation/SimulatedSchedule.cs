namespace ExecutionSentinel.Testing;

/// <summary>
/// Plays a trace out in advance: a list scheduler over a fixed number of slots, tasks taken in the order
/// they become ready (trace order among equals), each task's attempts shaped by its faults. A task with a
/// <see cref="TraceTask.StartOffset"/> runs at that offset instead (a recorded schedule), never before its parents end.
/// </summary>
internal static class SimulatedSchedule
{
    public static Dictionary<string, SimulatedTaskTimeline> Build(WorkflowTrace trace, SimulatedClusterOptions options, DateTimeOffset start)
    {
        var faults = options.Faults.Where(f => f.TargetTask is not null).ToLookup(f => f.TargetTask!, StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < trace.Tasks.Count; i++)
        {
            index[trace.Tasks[i].Name] = i;
        }

        var children = trace.Tasks.Select(_ => new List<int>()).ToArray();
        var waitingFor = new int[trace.Tasks.Count];
        var readyAt = new DateTimeOffset[trace.Tasks.Count];
        var ready = new PriorityQueue<int, (DateTimeOffset, int)>();
        for (var i = 0; i < trace.Tasks.Count; i++)
        {
            var parents = trace.Tasks[i].Parents.Distinct(StringComparer.Ordinal).ToArray();
            waitingFor[i] = parents.Length;
            foreach (var parent in parents)
            {
                children[index[parent]].Add(i);
            }

            readyAt[i] = start;
            if (parents.Length == 0)
            {
                ready.Enqueue(i, (start, i));
            }
        }

        var slots = new PriorityQueue<int, (DateTimeOffset, int)>();
        for (var s = 0; s < options.ParallelSlots; s++)
        {
            slots.Enqueue(s, (start, s));
        }

        var timelines = new Dictionary<string, SimulatedTaskTimeline>(StringComparer.Ordinal);
        while (ready.TryDequeue(out var i, out var readyKey))
        {
            var task = trace.Tasks[i];
            SimulatedTaskTimeline timeline;
            if (task.StartOffset is { } offset)
            {
                // A recorded schedule is replayed as it was: the pod is created so that it runs at its offset (or once its
                // parents finished, if a fault made them later), outside the slots, which model only our own scheduling.
                var due = start + offset - options.PodStartupDelay;
                var createdAt = due > readyKey.Item1 ? due : readyKey.Item1;
                var (attempts, vanishesAt) = PlanAttempts(task, faults[task.Name].ToArray(), createdAt, options);
                timeline = new SimulatedTaskTimeline(task, i, i % options.ParallelSlots, attempts, vanishesAt);
            }
            else if (slots.TryDequeue(out var slot, out var slotKey))
            {
                var createdAt = readyKey.Item1 > slotKey.Item1 ? readyKey.Item1 : slotKey.Item1;
                var (attempts, vanishesAt) = PlanAttempts(task, faults[task.Name].ToArray(), createdAt, options);
                timeline = new SimulatedTaskTimeline(task, i, slot, attempts, vanishesAt);

                // A hung task holds its slot forever; a vanished one frees it when its pod is deleted.
                var freedAt = timeline.FinishedAt ?? vanishesAt;
                if (freedAt is { } free)
                {
                    slots.Enqueue(slot, (free, slot));
                }
            }
            else
            {
                continue; // Every slot is held by a task that never ends: nothing scheduled by us starts any more.
            }

            timelines[task.Name] = timeline;

            if (!timeline.Succeeded)
            {
                continue; // Its dependants never become ready.
            }

            foreach (var child in children[i])
            {
                if (readyAt[child] < timeline.FinishedAt!.Value)
                {
                    readyAt[child] = timeline.FinishedAt.Value;
                }

                if (--waitingFor[child] == 0)
                {
                    ready.Enqueue(child, (readyAt[child], child));
                }
            }
        }

        return timelines;
    }

    private static (List<SimulatedAttempt> Attempts, DateTimeOffset? VanishesAt) PlanAttempts(
        TraceTask task, SimulatedFault[] faults, DateTimeOffset createdAt, SimulatedClusterOptions options)
    {
        var runtime = task.Runtime;
        var oom = faults.OfType<OomKillFault>().FirstOrDefault();
        var eviction = faults.OfType<EvictionFault>().FirstOrDefault();
        var straggler = faults.OfType<StragglerFault>().FirstOrDefault();
        var unschedulable = faults.OfType<UnschedulableFault>().FirstOrDefault();
        if (straggler is not null)
        {
            var stretched = runtime * straggler.Factor;
            var extended = runtime + straggler.AtLeastExtra;
            runtime = stretched > extended ? stretched : extended;
        }

        var attempts = new List<SimulatedAttempt>();
        var at = createdAt;
        void Add(TimeSpan runFor, AttemptEnd end, int exitCode = 0)
        {
            DateTimeOffset? unschedulableUntil = attempts.Count == 0 && unschedulable is not null ? at + unschedulable.Duration : null;
            var started = (unschedulableUntil ?? at) + options.PodStartupDelay;
            var ends = end == AttemptEnd.Hangs ? DateTimeOffset.MaxValue : started + runFor;
            attempts.Add(new SimulatedAttempt(attempts.Count + 1, at, started, ends, end, exitCode, unschedulableUntil));
            at = end == AttemptEnd.Hangs ? at : ends + options.RetryBackoff;
        }

        for (var k = 0; k < (eviction?.Attempts ?? 0); k++)
        {
            Add(runtime / 2, AttemptEnd.Evicted);
        }

        if (oom is not null)
        {
            for (var k = 0; k < oom.Attempts; k++)
            {
                var final = oom.Final && k == oom.Attempts - 1;
                Add(runtime / 2, final ? AttemptEnd.OomKilledFinal : AttemptEnd.OomKilled);
            }

            if (oom.Final)
            {
                return (attempts, null);
            }
        }

        if (faults.OfType<HangFault>().Any())
        {
            Add(TimeSpan.Zero, AttemptEnd.Hangs);
            return (attempts, null);
        }

        if (faults.OfType<VanishFault>().Any())
        {
            Add(runtime / 2, AttemptEnd.Vanishes);
            return (attempts, attempts[^1].EndsAt);
        }

        if (faults.OfType<TaskFailureFault>().FirstOrDefault() is { } failure)
        {
            Add(runtime, AttemptEnd.Failed, failure.ExitCode);
        }
        else
        {
            Add(runtime, AttemptEnd.Succeeded);
        }

        return (attempts, null);
    }
}
