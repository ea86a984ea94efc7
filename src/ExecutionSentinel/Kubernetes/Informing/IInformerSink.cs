using k8s;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>Where an informer puts what it learns, already projected. Calls come from one informer at a time per kind.</summary>
/// <typeparam name="TFacts">What the probe keeps of one object (<c>PodFacts</c>, <c>JobFacts</c>).</typeparam>
internal interface IInformerSink<in TFacts>
{
    /// <summary>A full list: the objects that exist now; any other object of this kind is gone.</summary>
    /// <param name="items">The objects, each projected as its page arrived.</param>
    /// <param name="unobservedFor">How long the view had gone without news from the server before this list.</param>
    void Replace(IReadOnlyList<TFacts> items, TimeSpan unobservedFor);

    /// <summary>One change.</summary>
    void Apply(WatchEventType type, TFacts item);
}
