using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// Reads the Python execution-sentinel's <c>context.json</c> (a serialised <c>MonitoringContext</c> in snake_case) as is:
/// <c>namespace</c>, <c>engine_pod_name</c>, <c>engine_container</c>, <c>task_inventory</c> (<c>name</c>, <c>task_type</c>,
/// <c>dag_order</c>, <c>expected_duration_seconds</c>) and <c>dag_structure</c>. Unknown keys are ignored, as pydantic does.
/// </summary>
internal static partial class ContextFile
{
    /// <summary>The largest context read: far above any real workflow's, far below what would exhaust memory.</summary>
    private const int MaxBytes = 256 * 1024 * 1024;

    /// <summary>The longest expected duration: a year, as the library allows.</summary>
    private const double MaxExpectedSeconds = 365 * 24 * 3600;

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static async Task<MonitoringContext> ReadAsync(string path, Func<Stream> stdin, CancellationToken cancellationToken)
    {
        byte[] bytes;
        var source = path == "-" ? "standard input" : $"'{path}'";
        try
        {
            if (path != "-" && Directory.Exists(path))
            {
                throw new InputException($"The context file '{path}' is a directory.");
            }

            var stream = path == "-" ? stdin() : File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                bytes = await ReadBoundedAsync(stream, source, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"The context file '{path}' does not exist.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"The context file '{path}' cannot be read: {ex.Message}");
        }

        return Parse(bytes, source);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new InputException($"The context in {source} is larger than {MaxBytes / (1024 * 1024)} MiB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static MonitoringContext Parse(ReadOnlySpan<byte> utf8, string source)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        // Refused, not repaired: a decoder would put U+FFFD in place of the bad bytes and watch a namespace nobody wrote.
        if (!Utf8.IsValid(utf8))
        {
            var at = FirstInvalidUtf8(utf8);
            var (line, column) = Position(utf8, at);
            throw new InputException($"The context in {source} is not valid UTF-8 at line {line}, column {column} (byte {at + 1}).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            throw new InputException($"The context in {source} is not valid JSON at line {line}, column {column}: {FirstSentence(ex.Message)}");
        }

        if (JsonShape.FindProblems(utf8) is { Count: > 0 } shapeProblems)
        {
            document.Dispose();
            throw shapeProblems.Count == 1
                ? new InputException($"The context in {source} has a {shapeProblems[0]}.")
                : InputException.For(shapeProblems, $"The context in {source} has {shapeProblems.Count} problems:");
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InputException($"The context in {source} must be a JSON object (was {root.ValueKind}).");
            }

            var context = new MonitoringContext
            {
                Namespace = String(root, "namespace", "$", problems) ?? "",
                EnginePodName = String(root, "engine_pod_name", "$", problems) ?? "",
                EngineContainer = OptionalString(root, "engine_container", "$", problems) ?? MonitoringContext.DefaultEngineContainer,
                WorkflowName = OptionalString(root, "workflow_name", "$", problems),
                TaskInventory = Inventory(root, problems),
                DagStructure = Dag(root, problems),
            };
            // The context's own checks, less those that only restate a field this file already said is missing or mistyped.
            problems.AddRange(context.Validate().Where(p => !Restates(p, problems)).Select(InFileTerms));
            if (problems.Count > 0)
            {
                throw problems.Count == 1
                    ? new InputException($"The context in {source}: {problems[0]}")
                    : InputException.For(problems, $"The context in {source} has {problems.Count} problems:");
            }

            return context;
        }
    }

    /// <summary>A problem found by the library, with its field names (EnginePodName, TaskInventory[3]…) as this file writes them.</summary>
    private static string InFileTerms(string problem)
    {
        foreach (var (field, key) in TopLevelKeys)
        {
            if (problem.StartsWith(field + " ", StringComparison.Ordinal))
            {
                problem = key + problem[field.Length..];
                break;
            }
        }

        problem = InventoryIndex().Replace(problem, "$$.task_inventory[$1]");
        problem = DagKey().Replace(problem, m => "$.dag_structure." + m.Groups[1].Value);
        foreach (var (field, key) in TaskKeys)
        {
            problem = problem.Replace("): " + field + " ", "): " + key + " ", StringComparison.Ordinal)
                .Replace("]: " + field + " ", "]: " + key + " ", StringComparison.Ordinal);
        }

        return problem.Replace("(neither a DAG key nor a type in TaskInventory)", "(neither a key of $.dag_structure nor a task_type in $.task_inventory)", StringComparison.Ordinal);
    }

    private static readonly (string Field, string Key)[] TopLevelKeys =
        [("Namespace", "$.namespace"), ("EnginePodName", "$.engine_pod_name"), ("EngineContainer", "$.engine_container"), ("WorkflowName", "$.workflow_name"), ("DagStructure", "$.dag_structure"), ("TaskInventory", "$.task_inventory")];

    private static readonly (string Field, string Key)[] TaskKeys =
        [("Name", "name"), ("TaskType", "task_type"), ("DagOrder", "dag_order"), ("ExpectedDuration", "expected_duration_seconds")];

    [GeneratedRegex(@"TaskInventory\[(\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex InventoryIndex();

    [GeneratedRegex(@"DagStructure\['([^']*)'\]", RegexOptions.CultureInvariant)]
    private static partial Regex DagKey();

    private static bool Restates(string validation, List<string> fileProblems)
    {
        bool Said(string path) => fileProblems.Any(p => p.StartsWith(path + " ", StringComparison.Ordinal));
        if (validation.StartsWith("Namespace is empty", StringComparison.Ordinal))
        {
            return Said("$.namespace");
        }

        if (validation.StartsWith("EnginePodName is empty", StringComparison.Ordinal))
        {
            return Said("$.engine_pod_name");
        }

        if (validation.StartsWith("EngineContainer is empty", StringComparison.Ordinal))
        {
            return Said("$.engine_container");
        }

        // "TaskInventory[3] ('x'): TaskType is empty." restates "$.task_inventory[3].task_type is missing."
        var at = validation.IndexOf(']', StringComparison.Ordinal);
        if (validation.StartsWith("TaskInventory[", StringComparison.Ordinal) && at > 0)
        {
            var index = validation["TaskInventory[".Length..at];
            return (validation.EndsWith("TaskType is empty.", StringComparison.Ordinal) && Said($"$.task_inventory[{index}].task_type"))
                || (validation.EndsWith("Name is empty.", StringComparison.Ordinal) && Said($"$.task_inventory[{index}].name"));
        }

        return false;
    }

    private static List<TaskSpec> Inventory(JsonElement root, List<string> problems)
    {
        var tasks = new List<TaskSpec>();
        if (!root.TryGetProperty("task_inventory", out var inventory) || inventory.ValueKind == JsonValueKind.Null)
        {
            return tasks;
        }

        if (inventory.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"$.task_inventory must be an array (was {inventory.ValueKind}).");
            return tasks;
        }

        var i = 0;
        foreach (var item in inventory.EnumerateArray())
        {
            var at = $"$.task_inventory[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{at} must be an object (was {item.ValueKind}).");
                continue;
            }

            double? seconds = null;
            if (item.TryGetProperty("expected_duration_seconds", out var duration) && duration.ValueKind != JsonValueKind.Null)
            {
                if (duration.ValueKind == JsonValueKind.Number && duration.TryGetDouble(out var value) && double.IsFinite(value) && value is >= 0 and <= MaxExpectedSeconds)
                {
                    seconds = value;
                }
                else
                {
                    problems.Add($"{at}.expected_duration_seconds must be a number of seconds from 0 to 31536000, a year (was {Shown(duration.GetRawText())}).");
                }
            }

            var order = 0;
            if (item.TryGetProperty("dag_order", out var dagOrder) && dagOrder.ValueKind != JsonValueKind.Null
                && (dagOrder.ValueKind != JsonValueKind.Number || !dagOrder.TryGetInt32(out order)))
            {
                problems.Add($"{at}.dag_order must be an integer (was {Shown(dagOrder.GetRawText())}).");
            }

            tasks.Add(new TaskSpec
            {
                Name = String(item, "name", at, problems) ?? "",
                TaskType = String(item, "task_type", at, problems) ?? "",
                DagOrder = order,
                ExpectedDuration = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            });
        }

        return tasks;
    }

    private static Dictionary<string, IReadOnlyList<string>> Dag(JsonElement root, List<string> problems)
    {
        var dag = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!root.TryGetProperty("dag_structure", out var structure) || structure.ValueKind == JsonValueKind.Null)
        {
            return dag;
        }

        if (structure.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"$.dag_structure must be an object mapping each type to the types it waits for (was {structure.ValueKind}).");
            return dag;
        }

        foreach (var property in structure.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array || property.Value.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
            {
                problems.Add($"$.dag_structure.{property.Name} must be an array of type names.");
                continue;
            }

            dag[property.Name] = [.. property.Value.EnumerateArray().Select(p => p.GetString()!)];
        }

        return dag;
    }

    private static string? String(JsonElement element, string key, string at, List<string> problems)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"{at}.{key} is missing.");
            return null;
        }

        return OptionalString(element, key, at, problems);
    }

    private static string? OptionalString(JsonElement element, string key, string at, List<string> problems)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}.{key} must be a string (was {value.ValueKind})."));
            return null;
        }

        return value.GetString();
    }

    /// <summary>Raw JSON quoted in a message, cut short when long.</summary>
    private static string Shown(string raw) => raw.Length <= 40 ? raw : raw[..40] + "…";

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        var at = 0;
        while (at < utf8.Length && Rune.DecodeFromUtf8(utf8[at..], out _, out var consumed) == OperationStatus.Done)
        {
            at += consumed;
        }

        return at;
    }

    /// <summary>The 1-based line and column (in bytes, as System.Text.Json counts) of a byte offset.</summary>
    internal static (int Line, int Column) Position(ReadOnlySpan<byte> utf8, long offset)
    {
        var before = utf8[..(int)offset];
        var line = before.Count((byte)'\n') + 1;
        var column = before.Length - before.LastIndexOf((byte)'\n');
        return (line, column);
    }

    private static string FirstSentence(string message)
    {
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var end = message.IndexOf(marker, StringComparison.Ordinal);
            if (end >= 0)
            {
                message = message[..end];
            }
        }

        return message.TrimEnd();
    }
}
