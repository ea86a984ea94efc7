using System.CommandLine;
using System.Diagnostics;
using ExecutionSentinel.Evaluation;

// Replays Flow-Bench's labelled runs through the sentinel's public API and prints how its straggler rule did (docs/detection-quality.md).
var inputs = new Argument<string[]>("csv-and-dag")
{
    Description = "Pairs of a Flow-Bench per-job table (.csv or .csv.gz) and its DAG (.json, job id → children). " +
                  "None: montage, predict-future-sales and casa-wind-full from the repository's data/flowbench.",
    Arity = ArgumentArity.ZeroOrMore,
};
var learn = new Option<int>("--learn") { Description = "How many normal runs (the first, by run id) to learn from.", DefaultValueFactory = _ => 25 };
var parallel = new Option<int>("--parallel") { Description = "How many runs to replay at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
var data = new Option<string?>("--data") { Description = "The data/flowbench folder (default: found above the current directory)." };

var root = new RootCommand("Judges the straggler rule on labelled workflow runs: learn from healthy runs, judge all others.") { inputs, learn, parallel, data };
root.SetAction(async (result, cancellationToken) =>
{
    var pairs = result.GetValue(inputs) ?? [];
    if (pairs.Length % 2 != 0)
    {
        await Console.Error.WriteLineAsync("Give the inputs in pairs: <runs.csv[.gz]> <dag.json> …").ConfigureAwait(false);
        return 64;
    }

    if (pairs.Length == 0)
    {
        var folder = result.GetValue(data) ?? FindDataFolder();
        pairs =
        [
            Path.Combine(folder, "montage.csv.gz"), Path.Combine(folder, "montage.json"),
            Path.Combine(folder, "predict-future-sales.csv.gz"), Path.Combine(folder, "predict_future_sales.json"),
            Path.Combine(folder, "casa-wind-full.csv.gz"), Path.Combine(folder, "casa_wind_full.json"),
        ];
    }

    var learnCount = result.GetValue(learn);
    var degree = Math.Max(1, result.GetValue(parallel));
    var clock = Stopwatch.StartNew();
    var outcomes = new List<(WorkflowEvaluation Workflow, IReadOnlyList<ModeResult> Results)>();
    for (var i = 0; i < pairs.Length; i += 2)
    {
        var name = Path.GetFileName(pairs[i]).Split('.')[0];
        var evaluation = new WorkflowEvaluation(name, FlowBenchRuns.ReadRuns(pairs[i]), FlowBenchRuns.ReadDag(pairs[i + 1]), learnCount, degree);
        var modes = Modes.All(name, learnCount).ToArray();
        IReadOnlyList<ModeResult> results;
        try
        {
            results = await evaluation.RunAsync(modes).ConfigureAwait(false);
        }
        finally
        {
            foreach (var mode in modes.OfType<IDisposable>())
            {
                mode.Dispose();
            }
        }

        Report.PrintWorkflow(evaluation, results);
        outcomes.Add((evaluation, results));
    }

    Console.WriteLine(Report.SummaryLine(outcomes, clock.Elapsed));
    return 0;
});

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

static string FindDataFolder()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "data", "flowbench");
        if (File.Exists(Path.Combine(candidate, "montage.csv.gz")))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("No data/flowbench above the current directory: pass --data or the files themselves.");
}
