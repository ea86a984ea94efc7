using System.Globalization;
using System.Text;

namespace ExecutionSentinel.Evaluation;

/// <summary>Prints the figures: a block per workflow, then one summary line.</summary>
internal static class Report
{
    /// <summary>The Flow-Bench paper's best unsupervised per-job ROC-AUC (data/flowbench/README.md), where it has one.</summary>
    private static readonly Dictionary<string, double> PaperBest = new(StringComparer.Ordinal)
    {
        ["montage"] = 0.570,
        ["predict-future-sales"] = 0.663,
    };

    public static void PrintWorkflow(WorkflowEvaluation workflow, IReadOnlyList<ModeResult> results)
    {
        var paper = PaperBest.TryGetValue(workflow.Name, out var best) ? F(best) : "n/a";
        Console.WriteLine(Invariant($"== {workflow.Name}: learned from {workflow.Learned} normal runs, judged {workflow.Judged}; paper's best per-job ROC-AUC {paper}"));
        foreach (var r in results)
        {
            Console.WriteLine(Invariant($"  [{r.Mode}]"));
            Console.WriteLine(
                Invariant($"    per run: precision {F(r.Precision)} recall {F(r.Recall)} F1 {F(r.F1)}; healthy flagged {r.HealthyFlagged}/{r.HealthyJudged}; ") +
                "where the fault shows in runtime (a labelled job ≥ k × its node's longest healthy run): " +
                string.Join(", ", r.Shown.Select(s => Invariant($"k={s.Factor:0.0#}: {s.Flagged}/{s.Runs} runs flagged, F1 {F(r.ShownF1At(s.Factor))}"))));
            Console.WriteLine("    per label (runs flagged): " + string.Join(", ", r.ByLabel.Select(l => Invariant($"{l.Key} {l.Value.Flagged}/{l.Value.Runs}"))));
            Console.WriteLine(Invariant($"    per job (ratio score): ROC-AUC {F(r.RocAuc)} AP {F(r.AveragePrecision)}"));
            Console.WriteLine(Invariant(
                $"    alarms: {r.Alarms} ({r.AlarmsOnLabelledJobs} on labelled jobs); lead before the job ended: median {S(r.MedianLeadSeconds)}, p10 {S(r.LeadP10Seconds)}"));
        }
    }

    public static string SummaryLine(IReadOnlyList<(WorkflowEvaluation Workflow, IReadOnlyList<ModeResult> Results)> outcomes, TimeSpan elapsed)
    {
        var line = new StringBuilder("SUMMARY");
        foreach (var (workflow, results) in outcomes)
        {
            var product = results[0];
            var baseline = results[^1];
            line.Append(Invariant($" | {workflow.Name}: F1 {F(product.F1)} (shown {F(product.ShownF1)}) healthy {product.HealthyFlagged}/{product.HealthyJudged} "))
                .Append(Invariant($"AUC {F(product.RocAuc)} AP {F(product.AveragePrecision)} lead {S(product.MedianLeadSeconds)}; "))
                .Append(Invariant($"in-run F1 {F(baseline.F1)} healthy {baseline.HealthyFlagged}/{baseline.HealthyJudged} AUC {F(baseline.RocAuc)}"));
        }

        line.Append(Invariant($" | {elapsed.TotalSeconds:0} s"));
        return line.ToString();
    }

    private static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string S(double seconds) => double.IsNaN(seconds) ? "n/a" : seconds.ToString("0", CultureInfo.InvariantCulture) + " s";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
