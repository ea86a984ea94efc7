namespace ExecutionSentinel.Kubernetes;

/// <summary>
/// How the Kubernetes probe connects, what it selects and how it keeps its view fresh.
/// Bound from the <c>ExecutionSentinel:Kubernetes</c> configuration section; validated at start.
/// Defaults follow HyperFlow's conventions.
/// </summary>
/// <remarks>Public because applications configure it through <c>UseKubernetes</c>.</remarks>
public sealed class KubernetesProbeOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "ExecutionSentinel:Kubernetes";

    /// <summary>The default selector of task Jobs and pods: HyperFlow's template label, without the engine.</summary>
    public const string DefaultTaskLabelSelector = "app=hyperflow,component!=hyperflow-engine";

    /// <summary>
    /// The kubeconfig file to read; when <see langword="null"/>, <c>KUBECONFIG</c> or <c>~/.kube/config</c>,
    /// or the in-cluster service account when the process runs in a pod and no kubeconfig exists.
    /// Ignored when an <c>IKubernetes</c> client is registered in the service collection.
    /// </summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>The kubeconfig context to use; the file's current context when <see langword="null"/>.</summary>
    public string? KubeconfigContext { get; set; }

    /// <summary>Use the pod's service account (in-cluster configuration) even when a kubeconfig exists. Default false.</summary>
    public bool UseInClusterConfig { get; set; }

    /// <summary>Watch (list once, then follow changes) or poll (list every tick, for clusters that forbid watch). Default <see cref="KubernetesProbeMode.Watch"/>.</summary>
    public KubernetesProbeMode Mode { get; set; } = KubernetesProbeMode.Watch;

    /// <summary>
    /// The label selector of task pods and Jobs. Default <c>app=hyperflow,component!=hyperflow-engine</c>: HyperFlow's
    /// template sets <c>app=hyperflow</c> on every task pod, and a Job without labels takes its template's labels.
    /// Pods without a <c>job-name</c> label are never tasks.
    /// </summary>
    public string TaskLabelSelector { get; set; } = DefaultTaskLabelSelector;

    /// <summary>A different selector for Jobs, when the engine labels them differently from their pods; <see langword="null"/> uses <see cref="TaskLabelSelector"/>.</summary>
    public string? JobLabelSelector { get; set; }

    /// <summary>
    /// A label holding each task's type, for engines that set one; when <see langword="null"/> (HyperFlow), the type comes
    /// from the Job name (<c>job&lt;random&gt;-&lt;type&gt;-&lt;procId&gt;-&lt;firingId&gt;</c>).
    /// </summary>
    public string? TaskTypeLabel { get; set; }

    /// <summary>How many objects one list request asks for (<c>limit</c>; the rest follow with <c>continue</c>). Default 500.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// The server-side timeout of one watch request. Each watch asks for a random time between this and twice this,
    /// as client-go does, so many sentinels do not reconnect in step. Default 5 min.
    /// </summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A watch that delivers no event and no bookmark for this long is assumed silently dead and restarted from its last
    /// resource version (watches of the C# client are known to stop without an error). Default 90 s.
    /// </summary>
    public TimeSpan StalenessTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// An observation counts as failed when an informer has heard nothing from the API server (no list, event or bookmark)
    /// for longer than this: its cache may be frozen. A real API server sends a bookmark about once a minute, and a silent
    /// watch is restarted after <see cref="StalenessTimeout"/>, so a healthy view is never this quiet. Default 2 min; at
    /// least <see cref="StalenessTimeout"/>.
    /// </summary>
    public TimeSpan MaxSilence { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first wait before relisting after a failure; it doubles with each failure in a row. Default 1 s.</summary>
    public TimeSpan RelistBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between relist attempts. Default 30 s.</summary>
    public TimeSpan MaxRelistBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one list or exec attempt may take before it is abandoned and retried. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a failed list or exec call is retried (exponential back-off with jitter; <c>Retry-After</c> honoured). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// On a tick a change woke while the workflow has tasks shown running or pending, the engine's completion signal (an
    /// exec in the engine pod) is read only if the last read is older than this; ticks of the poll, and ticks once no task
    /// is shown running or pending, always read it. Changes wake the watch often (see <c>SentinelOptions.ChangeDebounce</c>)
    /// and each read is a connection to the kubelet and a process in the engine container. From 0 (every tick) to 1 h;
    /// "00:00:30" = 30 s. Default 30 s.
    /// </summary>
    public TimeSpan SignalReadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the circuit stays open, failing calls at once, after most calls failed. Default 5 s: short against the
    /// connectivity threshold (3 ticks of 10 s), so that a brief outage is not reported as lost connectivity.
    /// </summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The engine's completion signal: a file in the engine container holding the workflow's exit code, read with
    /// <c>cat</c> over exec. Default <c>/work_dir/.workflow-exit-code</c>. A missing file or a failed exec means "not yet".
    /// </summary>
    public string SignalFile { get; set; } = "/work_dir/.workflow-exit-code";

    /// <summary>
    /// A marker file whose mere presence says the run ended (HyperFlow's charts write <c>/work_dir/postprocStart</c>),
    /// consulted when <see cref="SignalFile"/> does not exist. The exit code is then inferred: 1 if any task failed, else 0.
    /// Default <see langword="null"/>: no marker.
    /// </summary>
    public string? CompletionMarkerFile { get; set; }
}
