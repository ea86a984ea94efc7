namespace ExecutionSentinel.Detection;

/// <summary>
/// One detector's open episodes in one watch: "report this once until it clears". A detector begins an episode when it
/// sees the condition and reports only if <see cref="Begin"/> says the episode is new; it ends the episode when the
/// condition clears, so that a later occurrence is reported again.
/// </summary>
/// <remarks>
/// Public because detectors use it through <see cref="DetectionContext.Episodes"/>. Keys are the detector's own (a task
/// name, a task and an attempt, a level); a good key is also the report's <see cref="SentinelReport.Identity"/>.
/// </remarks>
public sealed class DetectorEpisodes
{
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);

    internal DetectorEpisodes()
    {
    }

    /// <summary>How many episodes are open.</summary>
    public int Count => _open.Count;

    /// <summary>Begins the episode <paramref name="key"/>.</summary>
    /// <param name="key">The episode.</param>
    /// <returns><see langword="true"/> when it was not open (report it now); <see langword="false"/> when it already was.</returns>
    public bool Begin(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _open.Add(key);
    }

    /// <summary>Ends the episode <paramref name="key"/>: the condition cleared, so the next occurrence is new.</summary>
    /// <param name="key">The episode.</param>
    /// <returns>Whether it was open.</returns>
    public bool End(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _open.Remove(key);
    }

    /// <summary>Whether the episode <paramref name="key"/> is open.</summary>
    /// <param name="key">The episode.</param>
    /// <returns>Whether it is open.</returns>
    public bool IsOpen(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _open.Contains(key);
    }

    /// <summary>Ends every open episode whose key <paramref name="ongoing"/> does not hold: those whose condition cleared.</summary>
    /// <param name="ongoing">The keys whose condition still holds.</param>
    /// <returns>How many episodes ended.</returns>
    public int EndAllExcept(IReadOnlySet<string> ongoing)
    {
        ArgumentNullException.ThrowIfNull(ongoing);
        return _open.RemoveWhere(key => !ongoing.Contains(key));
    }
}
