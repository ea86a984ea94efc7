using k8s;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>Where an informer puts what it learns. Calls come from one informer at a time per kind.</summary>
/// <typeparam name="T">The kind of object.</typeparam>
internal interface IInformerSink<in T>
{
    /// <summary>A full list: the objects that exist now; any other object of this kind is gone.</summary>
    void Replace(IReadOnlyList<T> items);

    /// <summary>One change.</summary>
    void Apply(WatchEventType type, T item);
}
