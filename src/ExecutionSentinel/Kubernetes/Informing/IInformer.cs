namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>What the session needs of an informer, whatever kind it follows.</summary>
internal interface IInformer
{
    InformerHealth Health { get; }

    Task RetryNowAsync(CancellationToken cancellationToken);
}
