namespace ExecutionSentinel.Watchdog;

/// <summary>
/// One intervention's permission to write, asked immediately before each of its writes (a delete, a ledger update):
/// the mode, the suspension and the leadership (with the lease's renew deadline as a fence) are checked again every
/// time, and the first write also takes one unit of the hourly limit from the durable record (check and record in one
/// compare-and-swap). Nothing writes to the cluster or to the application's ledger without it.
/// </summary>
internal sealed class WriteAdmission
{
    private readonly InterventionGate _gate;
    private bool _counted;

    internal WriteAdmission(InterventionGate gate) => _gate = gate;

    /// <summary>How many writes were admitted.</summary>
    public int Admitted { get; private set; }

    /// <summary>Whether this intervention took a unit of the hourly limit.</summary>
    public bool Counted => _counted;

    /// <summary>Asks to write now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="null"/> when the write may go ahead at once; otherwise why not.</returns>
    public async ValueTask<InterventionOutcome?> AdmitAsync(CancellationToken cancellationToken)
    {
        if (_gate.WriteRefusal() is { } refused)
        {
            return refused;
        }

        if (!_counted)
        {
            if (await _gate.CountAsync(cancellationToken).ConfigureAwait(false) is { } limited)
            {
                return limited;
            }

            _counted = true;

            // Counting was a round trip: leadership may have gone meanwhile. Checked again, right before the write.
            if (_gate.WriteRefusal() is { } late)
            {
                return late;
            }
        }

        Admitted++;
        return null;
    }
}
