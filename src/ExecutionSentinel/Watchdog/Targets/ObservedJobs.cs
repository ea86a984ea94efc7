using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// What the watches have seen of their workflows' Jobs: for each running watch, the Jobs of its inventory tasks as its last
/// observation showed them (name, uid, phase); and, for every watch, the Jobs it saw finish (tombstones), kept for the Jobs'
/// time to live after finishing plus a grace, so that a Job deleted by its TTL is never taken for an orphan. Interventions
/// aim only at Jobs found here. Thread-safe.
/// </summary>
internal sealed class ObservedJobs
{
    private readonly object _lock = new();
    private readonly List<WatchView> _views = [];
    private readonly Dictionary<(string Namespace, string Name), Tombstone> _tombstones = [];
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private DateTimeOffset _nextPrune;

    /// <param name="retention">How long a Job seen finished is remembered after its end: its TTL plus a grace.</param>
    /// <param name="time">The clock.</param>
    public ObservedJobs(TimeSpan retention, TimeProvider time)
    {
        _retention = retention;
        _time = time;
    }

    /// <summary>Starts recording what one watch observes; <paramref name="context"/> is that watch's own instance.</summary>
    public WatchView Begin(MonitoringContext context)
    {
        var view = new WatchView(this, context);
        lock (_lock)
        {
            _views.Add(view);
        }

        return view;
    }

    /// <summary>The running watch whose context is this very instance, if any (the probe recognises its watch by it).</summary>
    public WatchView? ViewOf(MonitoringContext context)
    {
        lock (_lock)
        {
            return _views.FirstOrDefault(v => ReferenceEquals(v.Context, context));
        }
    }

    /// <summary>
    /// The running Job named <paramref name="name"/> that a running watch of <paramref name="namespace"/> observed (with that
    /// uid, when one is given), or why there is none.
    /// </summary>
    public Resolution FindJob(string @namespace, string? name, string? uid)
    {
        if (name is null || KubernetesNames.JobProblem(@namespace, name) is not null)
        {
            return Resolution.Refused(InterventionOutcome.RefusedNotOurs);
        }

        lock (_lock)
        {
            ObservedJob? stopped = null;
            foreach (var view in _views.Where(v => v.Namespace == @namespace))
            {
                if (view.Job(name) is { } job && (uid is null || job.Identity.Uid == uid))
                {
                    if (job.IsRunning)
                    {
                        return Resolution.Of(job);
                    }

                    stopped = job;
                }
            }

            return Resolution.Refused(stopped is not null || Tombstoned(@namespace, name, _time.GetUtcNow())
                ? InterventionOutcome.RefusedNotRunning
                : InterventionOutcome.RefusedNotObserved);
        }
    }

    /// <summary>The running watch of the workflow whose engine pod is <paramref name="enginePod"/> in <paramref name="namespace"/>, if any.</summary>
    public WatchView? FindWorkflow(string @namespace, string? enginePod)
    {
        lock (_lock)
        {
            return _views.FirstOrDefault(v => v.Namespace == @namespace && v.Context.EnginePodName == enginePod);
        }
    }

    /// <summary>Whether a watch saw the Job <paramref name="name"/> finish (or end unseen) recently enough that its TTL may have deleted it.</summary>
    public bool EndedRecently(string @namespace, string name)
    {
        lock (_lock)
        {
            return Tombstoned(@namespace, name, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// Whether a running watch of <paramref name="namespace"/> has observed it since <paramref name="since"/> or earlier:
    /// only then would it have seen a Job created after that moment finish.
    /// </summary>
    public bool Covers(string @namespace, DateTimeOffset since)
    {
        lock (_lock)
        {
            return _views.Any(v => v.Namespace == @namespace && v.FirstObservedAt is { } first && first <= since);
        }
    }

    internal void End(WatchView view)
    {
        lock (_lock)
        {
            _views.Remove(view);
        }
    }

    /// <summary>Applies one observation of a watch (under the registry's lock: lookups never see half of it).</summary>
    internal void Apply(WatchView view, ClusterObservation observation)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            view.ApplyLocked(observation, now, (name, uid, endedAt) =>
            {
                if (!_tombstones.TryGetValue((view.Namespace, name), out var known) || known.Uid != uid)
                {
                    _tombstones[(view.Namespace, name)] = new Tombstone(uid, endedAt + _retention);
                }
            });
            if (now >= _nextPrune)
            {
                Prune(now);
                _nextPrune = now + TimeSpan.FromMinutes(1);
            }
        }
    }

    private bool Tombstoned(string @namespace, string name, DateTimeOffset now) =>
        _tombstones.TryGetValue((@namespace, name), out var tombstone) && tombstone.Until > now;

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _tombstones.Where(t => t.Value.Until <= now).Select(t => t.Key).ToList())
        {
            _tombstones.Remove(key);
        }
    }

    private readonly record struct Tombstone(string Uid, DateTimeOffset Until);
}

/// <summary>One watch's view of its workflow's Jobs, as its last observation showed them.</summary>
internal sealed class WatchView
{
    private readonly ObservedJobs _registry;
    private readonly HashSet<string> _inventory;
    private readonly object _sync = new();
    private Dictionary<string, ObservedJob> _jobs = new(StringComparer.Ordinal);

    internal WatchView(ObservedJobs registry, MonitoringContext context)
    {
        _registry = registry;
        Context = context;
        _inventory = new HashSet<string>(context.TaskInventory.Select(t => t.Name), StringComparer.Ordinal);
    }

    /// <summary>The watch's own context: its namespace is the namespace of every Job here.</summary>
    public MonitoringContext Context { get; }

    public string Namespace => Context.Namespace;

    /// <summary>When the watch first observed the cluster, once it has.</summary>
    public DateTimeOffset? FirstObservedAt { get; private set; }

    /// <summary>Records an observation of this watch.</summary>
    public void Apply(ClusterObservation observation) => _registry.Apply(this, observation);

    /// <summary>Stops: what this watch saw running is no longer a target; what it saw finish stays remembered.</summary>
    public void End() => _registry.End(this);

    /// <summary>The Jobs of this workflow that the last observation showed running.</summary>
    public IReadOnlyList<ObservedJob> Running()
    {
        lock (_sync)
        {
            return [.. _jobs.Values.Where(j => j.IsRunning).OrderBy(j => j.Identity.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>The Job a report is about (by its task, and its Job name when the report gives one), or why there is none to act on.</summary>
    public Resolution Find(string? taskName, string? jobName)
    {
        ObservedJob? job;
        lock (_sync)
        {
            job = jobName is not null ? _jobs.GetValueOrDefault(jobName) : _jobs.Values.FirstOrDefault(j => j.TaskName == taskName);
        }

        if (job is null || (taskName is not null && job.TaskName != taskName))
        {
            // Seen to finish (a tombstone) is "not running"; never seen is "not observed". Asked outside this view's lock:
            // the registry takes its own lock first, then this view's.
            return Resolution.Refused(jobName is not null && _registry.EndedRecently(Namespace, jobName)
                ? InterventionOutcome.RefusedNotRunning
                : InterventionOutcome.RefusedNotObserved);
        }

        return job.IsRunning ? Resolution.Of(job) : Resolution.Refused(InterventionOutcome.RefusedNotRunning);
    }

    internal ObservedJob? Job(string name)
    {
        lock (_sync)
        {
            return _jobs.GetValueOrDefault(name);
        }
    }

    internal void ApplyLocked(ClusterObservation observation, DateTimeOffset now, Action<string, string, DateTimeOffset> ended)
    {
        var jobs = new Dictionary<string, ObservedJob>(StringComparer.Ordinal);
        foreach (var task in observation.Tasks)
        {
            // Only this workflow's tasks (by the inventory), and only Jobs seen with their uid: nothing else is ever a target.
            if (task.JobName is not { } name || task.JobUid is not { } uid || !_inventory.Contains(task.Name))
            {
                continue;
            }

            if (task.IsFinished || task.Phase == TaskPhase.Unknown)
            {
                ended(name, uid, task.FinishedAt is { } finished && finished < now ? finished : now);
                continue; // Finished: remembered as such, never a target again.
            }

            if (!task.IsGone)
            {
                jobs[name] = new ObservedJob(new JobIdentity(Namespace, name, uid), task.Name, task.Phase, task.IsTerminating, now);
            }
        }

        lock (_sync)
        {
            _jobs = jobs; // What the last observation does not show is no longer running, as far as the watchdog knows.
        }

        FirstObservedAt ??= now;
    }
}
