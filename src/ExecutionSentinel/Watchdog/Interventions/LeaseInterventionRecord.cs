using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Polly;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The hourly limit's record as an annotation on the leader election's Lease: every replica reads the same record, and it
/// outlives restarts and leader changes. Check and record are one compare-and-swap: the Lease is replaced with the
/// resource version just read, so two writers cannot both take the last unit. The Lease is also the fence: the record is
/// written only while the Lease read names this replica as its holder.
/// </summary>
internal sealed class LeaseInterventionRecord(
    IKubernetes client, string @namespace, string leaseName, string identity, ResiliencePipeline reads, TimeSpan writeTimeout, TimeProvider time)
    : IInterventionRecord
{
    /// <summary>The annotation holding the record: the times of the last hour's interventions, ISO 8601, comma-separated.</summary>
    public const string Annotation = "execution-sentinel.io/interventions";

    /// <summary>How many times a write that lost a race is tried again (the elector renews the same Lease every few seconds).</summary>
    private const int Attempts = 8;

    public string Where => $"annotation {Annotation} of Lease '{leaseName}' in namespace '{@namespace}'";

    public async ValueTask<InterventionOutcome?> TryRecordAsync(DateTimeOffset now, int maxPerHour, Func<bool> mayWrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mayWrite);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var lease = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (lease?.Spec?.HolderIdentity != identity)
            {
                return InterventionOutcome.RefusedNotLeader; // The Lease itself says another replica leads, or nobody.
            }

            var recent = Parse((lease.Metadata?.Annotations is { } annotations && annotations.TryGetValue(Annotation, out var value) ? value : null)).Where(t => t > now - TimeSpan.FromHours(1)).ToList();
            if (recent.Count >= maxPerHour)
            {
                return InterventionOutcome.RefusedLimit;
            }

            if (!mayWrite())
            {
                return InterventionOutcome.RefusedNotLeader;
            }

            recent.Add(now);
            lease.Metadata!.Annotations ??= new Dictionary<string, string>();
            lease.Metadata.Annotations[Annotation] = string.Join(',', recent.Order().Select(t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
            if (await ReplaceAsync(lease, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        throw new InvalidOperationException($"The intervention record ({Where}) kept changing: {Attempts} writes in a row lost the race.");
    }

    /// <summary>The record's times; a record that cannot be read fails the intervention (never read as empty).</summary>
    internal static IEnumerable<DateTimeOffset> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var times = new List<DateTimeOffset>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!DateTimeOffset.TryParse(part, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                throw new InvalidDataException($"The intervention record (annotation {Annotation}) holds '{KubernetesNames.Shown(part)}', not a time: remove the annotation to reset the record.");
            }

            times.Add(time);
        }

        return times;
    }

    private async ValueTask<V1Lease?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await reads.ExecuteAsync(
                static async (state, token) => await state.client.CoordinationV1.ReadNamespacedLeaseAsync(state.leaseName, state.@namespace, cancellationToken: token).ConfigureAwait(false),
                (client, leaseName, @namespace),
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <returns>Whether it was written; false when another writer changed the Lease first (409).</returns>
    private async ValueTask<bool> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(writeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // The library's own deadline as well as the token's: a client call may not honour cancellation.
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, leaseName, @namespace, cancellationToken: linked.Token)
                .WaitAsync(writeTimeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            throw new TimeoutException($"Writing the intervention record ({Where}) took longer than {writeTimeout.TotalSeconds:0.#} s.");
        }
    }
}
