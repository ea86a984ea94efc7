using BenchmarkDotNet.Running;
using ExecutionSentinel.Benchmarks;

// `--memory` prints the cache's retained memory per task; anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args is ["--memory", ..])
{
    foreach (var tasks in new[] { 1_000, 10_000, 100_000 })
    {
        CacheMemory.Report(tasks);
    }

    return;
}

if (args is ["--profile", ..])
{
    foreach (var tasks in new[] { 10_000, 100_000 })
    {
        TickProfile.Run(tasks);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(TickBenchmarks).Assembly).Run(args);
