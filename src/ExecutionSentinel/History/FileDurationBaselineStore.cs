using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExecutionSentinel.History;

/// <summary>
/// The history of earlier runs as JSON files in a directory, one per workflow, holding its last <c>maxRuns</c> runs. Each
/// write goes to a temporary file that is then moved over the old one, so a crash never leaves half a file.
/// </summary>
/// <remarks>
/// Public because applications may construct it for <c>UseDurationBaselines(store)</c>. A file that cannot be read as
/// history (corrupt, or written by a newer format) makes <see cref="LoadAsync"/> throw <see cref="InvalidDataException"/>
/// naming it (the watch then goes on without history and says so); the next run recorded moves it aside as
/// <c>&lt;file&gt;.corrupt</c>, kept for inspection, and starts a fresh history. Writers in one process take turns; two
/// processes sharing a directory may lose one of two runs recorded at the same moment (the last move wins), never the file.
/// </remarks>
public sealed class FileDurationBaselineStore : IDurationBaselineStore
{
    /// <summary>The runs kept per workflow unless told otherwise.</summary>
    public const int DefaultMaxRuns = 20;

    private const int Format = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly string _directory;
    private readonly int _maxRuns;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    /// <summary>Creates the store (and the directory, when missing).</summary>
    /// <param name="directory">Where the files go.</param>
    /// <param name="maxRuns">How many recent runs of each workflow to keep, from 1 to 1000.</param>
    public FileDurationBaselineStore(string directory, int maxRuns = DefaultMaxRuns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRuns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRuns, DurationHistoryOptionsValidator.MaxRunsLimit);
        _directory = directory;
        _maxRuns = maxRuns;
        Directory.CreateDirectory(directory);
    }

    /// <inheritdoc />
    public async ValueTask<DurationBaselines> LoadAsync(string workflowName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        var path = PathOf(workflowName);
        var file = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return file is null
            ? DurationBaselines.Empty(workflowName)
            : DurationBaselines.FromRuns(workflowName, file.Runs.TakeLast(_maxRuns).Select(ToRun));
    }

    /// <inheritdoc />
    public async ValueTask RecordAsync(string workflowName, RunDurations run, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        ArgumentNullException.ThrowIfNull(run);
        var path = PathOf(workflowName);
        var writer = _writers.GetOrAdd(path, static _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            HistoryFile? file;
            try
            {
                file = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                // Documented: a history that cannot be read is kept aside for inspection and a fresh one begins.
                File.Move(path, path + ".corrupt", overwrite: true);
                file = null;
            }

            var runs = file?.Runs ?? [];
            runs.Add(FromRun(run));
            if (runs.Count > _maxRuns)
            {
                runs.RemoveRange(0, runs.Count - _maxRuns);
            }

            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            try
            {
                await using (var stream = File.Create(temporary))
                {
                    await JsonSerializer.SerializeAsync(stream, new HistoryFile { Format = Format, Workflow = workflowName, Runs = runs }, Json, cancellationToken).ConfigureAwait(false);
                }

                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary); // Only there when the write or the move failed.
            }
        }
        finally
        {
            writer.Release();
        }
    }

    private static async Task<HistoryFile?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        HistoryFile? file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<HistoryFile>(stream, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The duration history '{path}' is not valid JSON ({ex.Message}); the next recorded run moves it aside and starts afresh.", ex);
        }

        if (file is null || file.Format != Format || file.Runs is null || file.Runs.Any(r => r?.Tasks is null || r.Tasks.Values.Any(t => t is null)))
        {
            throw new InvalidDataException($"The duration history '{path}' is not a history of format {Format}; the next recorded run moves it aside and starts afresh.");
        }

        return file;
    }

    private static RunDurations ToRun(StoredRun run) => new()
    {
        EndedAt = run.EndedAt,
        Outcome = run.Outcome,
        Tasks = [.. run.Tasks.SelectMany(type => type.Value.Select(task => new TaskDuration
        {
            Name = task.Key,
            TaskType = type.Key,
            Duration = TimeSpan.FromSeconds(Math.Max(0, task.Value)),
        }))],
    };

    private static StoredRun FromRun(RunDurations run)
    {
        var types = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var task in run.Tasks)
        {
            if (!types.TryGetValue(task.TaskType, out var tasks))
            {
                types[task.TaskType] = tasks = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            tasks[task.Name] = Math.Round(task.Duration.TotalSeconds, 3);
        }

        return new StoredRun { EndedAt = run.EndedAt, Outcome = run.Outcome, Tasks = types };
    }

    private string PathOf(string workflowName)
    {
        // A hash keeps any name a valid file name; the readable prefix helps an operator find it.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(workflowName)))[..16];
        var readable = new string(workflowName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        return Path.Combine(_directory, $"{readable[..Math.Min(readable.Length, 60)]}-{hash}.history.json");
    }

    /// <summary>The file: its format, the workflow's name (for an operator) and the runs, oldest first.</summary>
    private sealed class HistoryFile
    {
        public int Format { get; init; }

        public string? Workflow { get; init; }

        public List<StoredRun> Runs { get; init; } = [];
    }

    /// <summary>One run: per task type, each task's duration in seconds (compact: the type is written once).</summary>
    private sealed class StoredRun
    {
        public DateTimeOffset EndedAt { get; init; }

        public WatchOutcome Outcome { get; init; }

        public Dictionary<string, Dictionary<string, double>> Tasks { get; init; } = [];
    }
}
