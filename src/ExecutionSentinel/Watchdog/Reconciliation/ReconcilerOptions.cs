namespace ExecutionSentinel.Watchdog;

/// <summary>How the watchdog reconciles the application's ledger with the cluster.</summary>
public sealed class ReconcilerOptions
{
    /// <summary>An execution missing from the cluster is not an orphan until it is this old (it may still be registering). Default 60 s.</summary>
    public TimeSpan DispatchGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of an execution with none of its own and no owner's. Default 3600 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(3600);
}
