using System.Globalization;
using System.Text.RegularExpressions;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// The library's messages are written for the code that configures it: configuration keys
/// (<c>ExecutionSentinel:Kubernetes:KubeconfigPath</c>), builder calls (<c>UseCheckpoints(...)</c>), durations as
/// <see cref="TimeSpan"/>s. The tool's user set flags and variables instead: this says the library's messages in those
/// words, naming the flag or variable that user actually set (<c>--poll</c> or <c>SENTINEL_POLL_INTERVAL</c>).
/// </summary>
internal sealed partial class ToolWording(IReadOnlyDictionary<string, string> keys)
{
    /// <summary>The words of <c>watch</c>, knowing where its settings came from.</summary>
    /// <param name="timings">Where the poll interval and the timeout came from.</param>
    /// <param name="kubeconfigSource">Where the kubeconfig came from (<c>--kubeconfig</c>, <c>SENTINEL_KUBECONFIG</c>…).</param>
    public static ToolWording ForWatch(WatchTimings timings, string kubeconfigSource) => new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ExecutionSentinel:PollInterval"] = timings.PollSource,
        ["ExecutionSentinel:WatchTimeout"] = timings.TimeoutSource,
        ["WatchTimeout"] = timings.TimeoutSource, // "must not be longer than WatchTimeout (…)"
        ["ExecutionSentinel:Detectors:Straggler:Multiplier"] = "SENTINEL_STRAGGLER_MULTIPLIER",
        ["ExecutionSentinel:Detectors:MassFailure:Threshold"] = "SENTINEL_MASS_FAILURE_THRESHOLD",
        ["ExecutionSentinel:Kubernetes:KubeconfigPath"] = kubeconfigSource,
        ["ExecutionSentinel:Kubernetes:Mode"] = "--mode",
        ["ExecutionSentinel:Interventions:Mode"] = "--interventions",
    });

    /// <summary>One message of the library, in the tool's words.</summary>
    public string Say(string message)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Whole phrases first: what the library tells its caller to do, said as what the tool's user can do.
        var said = message
            .Replace(
                "call UseLeaderElection(...) (kept on the Lease) or UseCheckpoints(...) (kept in the checkpoint store)",
                "pass --checkpoints DIR (it is kept there)",
                StringComparison.Ordinal)
            .Replace(
                "set ExecutionSentinel:Kubernetes:KubeconfigPath, or register an IKubernetes client",
                "pass --kubeconfig or set SENTINEL_KUBECONFIG",
                StringComparison.Ordinal)
            .Replace("UseCheckpoints(...)", "--checkpoints DIR", StringComparison.Ordinal);
        said = ActionKey().Replace(said, m => $"--act {m.Groups["kind"].Value}=ACTION");

        // Then the keys the tool's user sets by a flag or a variable; the others are left as the library says them.
        return Key().Replace(said, m => keys.TryGetValue(m.Value, out var flag) ? flag : m.Value);
    }

    /// <summary>Bad settings the library found, with their durations in seconds (as the flags and variables take them).</summary>
    /// <returns>One line for one, else a list under a heading.</returns>
    public InputException Settings(IEnumerable<string> failures) =>
        InputException.For([.. failures.Select(f => Duration().Replace(Say(f), d => Seconds(d.Value)))], "Bad settings:");

    private static string Seconds(string duration) =>
        TimeSpan.TryParseExact(duration, "c", CultureInfo.InvariantCulture, out var value)
            ? value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"
            : duration;

    /// <summary><c>ExecutionSentinel:Interventions:Actions:KIND</c>, the key of <c>--act KIND=ACTION</c>.</summary>
    [GeneratedRegex(@"ExecutionSentinel:Interventions:Actions:(?<kind>[^\s:]+)")]
    private static partial Regex ActionKey();

    /// <summary>A configuration key, or the bare name of the one a rule compares with.</summary>
    [GeneratedRegex(@"\bExecutionSentinel(?::[A-Za-z]+)+|\bWatchTimeout\b")]
    private static partial Regex Key();

    /// <summary>A <see cref="TimeSpan"/> as the library prints it: <c>00:00:30</c>, <c>1.00:00:00</c>, <c>00:00:00.0500000</c>.</summary>
    [GeneratedRegex(@"-?(?:\d+\.)?\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?")]
    private static partial Regex Duration();
}
