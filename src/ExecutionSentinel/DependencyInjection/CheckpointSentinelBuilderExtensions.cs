using ExecutionSentinel.Checkpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes watches resumable: what each watch reported is checkpointed, so a restarted conductor says only what is new.</summary>
public static class CheckpointSentinelBuilderExtensions
{
    /// <summary>Checkpoints what each watch has reported to files, so that a restarted conductor resumes without repeating itself.</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="directory">Where the checkpoint files go.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseCheckpoints(this ISentinelBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICheckpointStore>(new FileCheckpointStore(directory)));
        return builder;
    }

    /// <summary>Checkpoints to a store of the application's.</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="store">The store.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseCheckpoints(this ISentinelBuilder builder, ICheckpointStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        return builder;
    }
}
