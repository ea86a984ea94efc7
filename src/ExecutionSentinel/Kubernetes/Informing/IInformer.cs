namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>What the session needs of an informer, whatever kind it follows.</summary>
internal interface IInformer
{
    /// <summary>The resource's plural name, for messages.</summary>
    string Resource { get; }

    InformerHealth Health { get; }

    Task RetryNowAsync(CancellationToken cancellationToken);

    /// <summary>Lists every object and replaces the cache's; throws when the list fails.</summary>
    Task ListAsync(CancellationToken cancellationToken);
}
