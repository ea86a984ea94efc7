using System.Collections.Concurrent;

namespace ExecutionSentinel.Evaluation;

/// <summary>How one way of setting expectations did on one workflow's judged runs.</summary>
internal sealed record ModeResult(
    string Mode,
    int TruePositives,
    int FalseNegatives,
    int HealthyFlagged,
    int HealthyJudged,
    IReadOnlyList<Shown> Shown,
    IReadOnlyDictionary<string, (int Flagged, int Runs)> ByLabel,
    double RocAuc,
    double AveragePrecision,
    int Alarms,
    int AlarmsOnLabelledJobs,
    double MedianLeadSeconds,
    double LeadP10Seconds)
{
    public double Precision => TruePositives + HealthyFlagged == 0 ? 0 : TruePositives / (double)(TruePositives + HealthyFlagged);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : TruePositives / (double)(TruePositives + FalseNegatives);

    public double F1 => Harmonic(Precision, Recall);

    /// <summary>F1 over the anomalous runs whose runtimes show the fault at the headline factor, and every healthy run.</summary>
    public double ShownF1 => ShownF1At(WorkflowEvaluation.ShownFactor);

    public double ShownF1At(double factor)
    {
        var shown = Shown.Single(s => s.Factor.Equals(factor));
        var precision = shown.Flagged + HealthyFlagged == 0 ? 0 : shown.Flagged / (double)(shown.Flagged + HealthyFlagged);
        var recall = shown.Runs == 0 ? 0 : shown.Flagged / (double)shown.Runs;
        return Harmonic(precision, recall);
    }

    private static double Harmonic(double a, double b) => a + b == 0 ? 0 : 2 * a * b / (a + b);
}

/// <summary>How many anomalous runs show their fault in runtime at a factor, and how many of those were flagged.</summary>
internal sealed record Shown(double Factor, int Runs, int Flagged);

/// <summary>
/// The protocol: learn from the first <c>learn</c> healthy runs (in run-id order), judge every other run, once with
/// expectations from history and once with the detector's in-run median (no history), and score both the same way.
/// </summary>
/// <remarks>
/// A run's fault "shows in runtime" at a factor when at least one of its labelled jobs ran at least that many times as
/// long as the longest its node ran in any learned healthy run: a slowdown that healthy variation cannot explain, judged
/// without the product's rule, medians or thresholds. The headline is <see cref="ShownFactor"/> (2×); 1.5× is printed too.
/// </remarks>
internal sealed class WorkflowEvaluation(string name, IReadOnlyList<FlowBenchRun> runs, IReadOnlyDictionary<string, string[]> dag, int learn, int parallel)
{
    public const double ShownFactor = 2.0;

    public static IReadOnlyList<double> ShownFactors { get; } = [1.5, ShownFactor];

    public string Name => name;

    public int Learned { get; private set; }

    public int Judged { get; private set; }

    public async Task<IReadOnlyList<ModeResult>> RunAsync(IEnumerable<IExpectationMode> modes)
    {
        var learning = runs.Where(r => r.IsNormal).Take(learn).ToArray();
        if (learning.Length < learn)
        {
            throw new ArgumentException($"{name}: only {learning.Length} normal runs, fewer than --learn {learn}.");
        }

        var learnedIds = learning.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var judged = runs.Where(r => !learnedIds.Contains(r.Id)).ToArray();
        (Learned, Judged) = (learning.Length, judged.Length);
        var longestHealthy = learning.SelectMany(r => r.Jobs).GroupBy(j => j.Node, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(j => j.Runtime), StringComparer.Ordinal);
        var shown = ShownFactors.ToDictionary(f => f, f => judged.Where(r => !r.IsNormal && r.Jobs.Any(j => j.Anomalous
            && longestHealthy.TryGetValue(j.Node, out var longest) && j.Runtime >= f * longest)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal));

        var results = new List<ModeResult>();
        foreach (var mode in modes)
        {
            await mode.LearnAsync(learning, dag, parallel).ConfigureAwait(false);
            var alarms = new ConcurrentDictionary<string, IReadOnlyList<StragglerAlarm>>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(judged, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (run, _) =>
                alarms[run.Id] = await mode.JudgeAsync(run, dag).ConfigureAwait(false)).ConfigureAwait(false);
            results.Add(Score(mode, judged, alarms, shown));
        }

        return results;
    }

    private static ModeResult Score(IExpectationMode mode, FlowBenchRun[] judged, ConcurrentDictionary<string, IReadOnlyList<StragglerAlarm>> alarms, Dictionary<double, HashSet<string>> shown)
    {
        int tp = 0, fn = 0, healthyFlagged = 0, healthy = 0, alarmCount = 0, onLabelled = 0;
        var shownFlagged = shown.Keys.ToDictionary(f => f, _ => 0);
        var byLabel = new SortedDictionary<string, (int Flagged, int Runs)>(StringComparer.Ordinal);
        var scores = new List<(double Score, bool Positive)>();
        var leads = new List<double>();
        foreach (var run in judged)
        {
            var runAlarms = alarms[run.Id];
            var flagged = runAlarms.Count > 0;
            var (f, n) = byLabel.GetValueOrDefault(run.Label);
            byLabel[run.Label] = (f + (flagged ? 1 : 0), n + 1);
            if (run.IsNormal)
            {
                healthy++;
                healthyFlagged += flagged ? 1 : 0;
            }
            else if (flagged)
            {
                tp++;
                foreach (var (factor, runs) in shown)
                {
                    shownFlagged[factor] += runs.Contains(run.Id) ? 1 : 0;
                }
            }
            else
            {
                fn++;
            }

            var first = run.Jobs.Min(j => j.Start);
            var jobs = run.Jobs.ToDictionary(j => j.Node, StringComparer.Ordinal);
            foreach (var alarm in runAlarms)
            {
                alarmCount++;
                var job = jobs[alarm.Node];
                onLabelled += job.Anomalous ? 1 : 0;
                leads.Add(job.Start - first + job.Runtime - alarm.At.TotalSeconds); // how long before the job ended
            }

            foreach (var job in run.Jobs)
            {
                var expected = mode.Expectation(run, job);
                scores.Add((expected > 0 ? job.Runtime / expected : job.Runtime > 0 ? double.MaxValue : 1, job.Anomalous));
            }
        }

        leads.Sort();
        return new ModeResult(mode.Name, tp, fn, healthyFlagged, healthy, [.. shown.Select(s => new Shown(s.Key, s.Value.Count, shownFlagged[s.Key]))], byLabel,
            Ranking.RocAuc(scores), Ranking.AveragePrecision(scores), alarmCount, onLabelled,
            leads.Count == 0 ? double.NaN : leads[leads.Count / 2], leads.Count == 0 ? double.NaN : leads[leads.Count / 10]);
    }
}
