using System.Globalization;
using System.Text.Json;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// Reads the Python execution-sentinel's <c>context.json</c> (a serialised <c>MonitoringContext</c> in snake_case) as is:
/// <c>namespace</c>, <c>engine_pod_name</c>, <c>engine_container</c>, <c>task_inventory</c> (<c>name</c>, <c>task_type</c>,
/// <c>dag_order</c>, <c>expected_duration_seconds</c>) and <c>dag_structure</c>. Unknown keys are ignored, as pydantic does.
/// </summary>
internal static class ContextFile
{
    public static async Task<MonitoringContext> ReadAsync(string path, TextReader stdin, CancellationToken cancellationToken)
    {
        string text;
        var source = path == "-" ? "standard input" : path;
        try
        {
            text = path == "-" ? await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"The context file '{path}' does not exist.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"The context file '{path}' cannot be read: {ex.Message}");
        }

        return Parse(text, source);
    }

    public static MonitoringContext Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            throw new InputException($"The context in {source} is not valid JSON at line {line}, column {column}: {FirstSentence(ex.Message)}");
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
                TaskInventory = Inventory(root, problems),
                DagStructure = Dag(root, problems),
            };
            // The context's own checks, less those that only restate a field this file already said is missing or mistyped.
            problems.AddRange(context.Validate().Where(p => !Restates(p, problems)));
            if (problems.Count > 0)
            {
                throw new InputException($"The context in {source} has {problems.Count} problem(s):" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)));
            }

            return context;
        }
    }

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
                if (duration.ValueKind == JsonValueKind.Number && duration.TryGetDouble(out var value) && double.IsFinite(value) && value >= 0)
                {
                    seconds = value;
                }
                else
                {
                    problems.Add($"{at}.expected_duration_seconds must be a number of seconds, 0 or more (was {duration.GetRawText()}).");
                }
            }

            var order = 0;
            if (item.TryGetProperty("dag_order", out var dagOrder) && dagOrder.ValueKind != JsonValueKind.Null
                && (dagOrder.ValueKind != JsonValueKind.Number || !dagOrder.TryGetInt32(out order)))
            {
                problems.Add($"{at}.dag_order must be an integer (was {dagOrder.GetRawText()}).");
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
