using ExecutionSentinel.History;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Gives watches a memory of earlier runs: a watch of a context with a <c>WorkflowName</c> loads what earlier runs of that
/// workflow took when it starts (the straggler rule then expects each task to take what it took before) and adds its own
/// run when it ends. Options bind from <c>ExecutionSentinel:History</c> (<see cref="DurationHistoryOptions"/>).
/// </summary>
public static class HistorySentinelBuilderExtensions
{
    /// <summary>Keeps the history in JSON files in <paramref name="directory"/>, one per workflow, each with its last <see cref="DurationHistoryOptions.MaxRuns"/> runs.</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="directory">Where the files go (created when missing).</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseFileDurationBaselines(this ISentinelBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDurationBaselineStore>(
            sp => new FileDurationBaselineStore(directory, sp.GetRequiredService<IOptions<DurationHistoryOptions>>().Value.MaxRuns)));
        return builder;
    }

    /// <summary>Keeps the history in a store of the application's (its database: implement <see cref="IDurationBaselineStore"/>).</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="store">The store.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseDurationBaselines(this ISentinelBuilder builder, IDurationBaselineStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        return builder;
    }

    /// <summary>Keeps the history in a store of the application's, resolved from DI as a singleton.</summary>
    /// <typeparam name="TStore">The store's type.</typeparam>
    /// <param name="builder">The sentinel's builder.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder UseDurationBaselines<TStore>(this ISentinelBuilder builder)
        where TStore : class, IDurationBaselineStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDurationBaselineStore, TStore>());
        return builder;
    }

    /// <summary>Changes the history options in code, after configuration: <c>ConfigureDurationHistory(o =&gt; o.Learning = DurationLearning.Off)</c>.</summary>
    /// <param name="builder">The sentinel's builder.</param>
    /// <param name="configure">Changes them.</param>
    /// <returns>The builder.</returns>
    public static ISentinelBuilder ConfigureDurationHistory(this ISentinelBuilder builder, Action<DurationHistoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
