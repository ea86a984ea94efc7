using k8s;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>Where an informer puts what it learns. Calls come from one informer at a time per kind.</summary>
/// <typeparam name="T">The kind of object.</typeparam>
internal interface IInformerSink<in T>
{
    /// <summary>A full list: the objects that exist now; any other object of this kind is gone.</summary>
    /// <param name="items">The objects.</param>
    /// <param name="unobservedFor">How long the view had gone without news from the server before this list.</param>
    void Replace(IReadOnlyList<T> items, TimeSpan unobservedFor);

    /// <summary>One change.</summary>
    void Apply(WatchEventType type, T item);
}
