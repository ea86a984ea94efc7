using ExecutionSentinel.History;

namespace ExecutionSentinel.Tests.History;

public sealed class FileDurationBaselineStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sentinel-history-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_recorded_run_is_read_back_by_node_and_type_and_a_new_store_on_the_same_directory_sees_it()
    {
        await new FileDurationBaselineStore(_directory).RecordAsync("montage 2.0/x", Run(1, 12.5), default);

        var baselines = await new FileDurationBaselineStore(_directory).LoadAsync("montage 2.0/x", default);

        Assert.Equal(1, baselines.Runs);
        Assert.Equal(TimeSpan.FromSeconds(12.5), baselines.Nodes["mProject-1"].Median);
        Assert.Equal(1, baselines.Types["mProject"].Count);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        Assert.Equal(0, (await new FileDurationBaselineStore(_directory).LoadAsync("another", default)).Runs);
    }

    [Fact]
    public async Task Only_the_last_max_runs_are_kept()
    {
        var store = new FileDurationBaselineStore(_directory, maxRuns: 3);
        for (var i = 1; i <= 5; i++)
        {
            await store.RecordAsync("wf", Run(i, i * 10), default);
        }

        var baselines = await store.LoadAsync("wf", default);

        Assert.Equal(3, baselines.Runs);
        Assert.Equal(TimeSpan.FromSeconds(40), baselines.Nodes["mProject-1"].Median); // runs 3, 4, 5: 30, 40, 50
    }

    [Fact]
    public async Task A_corrupt_file_fails_the_load_by_name_and_the_next_record_keeps_it_aside_and_starts_afresh()
    {
        var store = new FileDurationBaselineStore(_directory);
        await store.RecordAsync("wf", Run(1, 10), default);
        var file = Assert.Single(Directory.GetFiles(_directory));
        await File.WriteAllTextAsync(file, "{ \"format\": 1, \"runs\": [ { \"tasks\": ");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync("wf", default).AsTask());
        Assert.Contains(file, error.Message, StringComparison.Ordinal);

        await store.RecordAsync("wf", Run(2, 20), default);

        Assert.True(File.Exists(file + ".corrupt"));
        var baselines = await store.LoadAsync("wf", default);
        Assert.Equal(1, baselines.Runs);
        Assert.Equal(TimeSpan.FromSeconds(20), baselines.Nodes["mProject-1"].Median);
    }

    private static RunDurations Run(int day, double seconds) => new()
    {
        EndedAt = new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero),
        Outcome = WatchOutcome.Completed,
        Tasks = [new TaskDuration { Name = "mProject-1", TaskType = "mProject", Duration = TimeSpan.FromSeconds(seconds) }],
    };
}
