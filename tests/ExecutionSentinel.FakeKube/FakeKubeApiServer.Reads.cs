using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ExecutionSentinel.FakeKube;

/// <summary>Get, list and watch.</summary>
public sealed partial class FakeKubeApiServer
{
    private const string ContinueExpired =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, "
        + "or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an "
        + "inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    private async Task GetAsync(HttpContext context, ResourcePath target)
    {
        if (Store.Get(target.Resource, target.StoreNamespace, target.Name!) is { } item)
        {
            await WriteJsonAsync(context, 200, item.Json).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 404, KubeStatus.NotFound(target.Api, target.Name!)).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext context, ResourcePath target)
    {
        var (labels, fields, problem) = ParseSelectors(context, target);
        if (problem is not null)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest(problem)).ConfigureAwait(false);
            return;
        }

        var resourceVersion = Query(context, "resourceVersion");
        var match = Query(context, "resourceVersionMatch");
        var continueToken = Query(context, "continue");
        var limit = int.TryParse(Query(context, "limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : (int?)null;
        if (match is not null && OptionsProblem(resourceVersion, match, continueToken) is { } optionsProblem)
        {
            await WriteJsonAsync(context, 422, KubeStatus.InvalidOptions("resourceVersionMatch", optionsProblem)).ConfigureAwait(false);
            return;
        }

        if (!TryParseVersion(resourceVersion, out var requested, out var versionProblem))
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest(versionProblem)).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<StoredObject>? items;
        long version;
        var after = "";
        if (continueToken is not null)
        {
            if (requested is > 0)
            {
                await WriteJsonAsync(context, 400, KubeStatus.BadRequest("specifying resource version is not allowed when using continue")).ConfigureAwait(false);
                return;
            }

            if (!ContinueToken.TryDecode(continueToken, out var tokenVersion, out after))
            {
                await WriteJsonAsync(context, 400, KubeStatus.BadRequest("invalid continue token: " + continueToken)).ConfigureAwait(false);
                return;
            }

            // -1: the server's own "continue at the latest version" token, handed out with a 410 for an expired one.
            (items, version) = tokenVersion < 0
                ? Store.List(target.Resource, target.Namespace, labels, fields)
                : (Store.ListAt(tokenVersion, target.Resource, target.Namespace, labels, fields), tokenVersion);
            if (items is null)
            {
                await WriteJsonAsync(context, 410, KubeStatus.Expired(ContinueExpired, ContinueToken.Encode(-1, after))).ConfigureAwait(false);
                return;
            }
        }
        else if (requested is > 0 && (match == "Exact" || (match is null && limit is not null)))
        {
            // Exact (or, without resourceVersionMatch, a paginated list from a version): the state at that version.
            if (requested > Store.CurrentVersion)
            {
                await WriteJsonAsync(context, 504, KubeStatus.TooLargeResourceVersion(requested.Value, Store.CurrentVersion)).ConfigureAwait(false);
                return;
            }

            items = Store.ListAt(requested.Value, target.Resource, target.Namespace, labels, fields);
            version = requested.Value;
            if (items is null)
            {
                await WriteJsonAsync(context, 410, KubeStatus.Expired("The resourceVersion for the provided list is too old.")).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            // Unset, "0" or NotOlderThan: the current state, once the server has reached the version asked for.
            if (requested is > 0 && !await WaitForVersionAsync(requested.Value, context.RequestAborted).ConfigureAwait(false))
            {
                await WriteJsonAsync(context, 504, KubeStatus.TooLargeResourceVersion(requested.Value, Store.CurrentVersion)).ConfigureAwait(false);
                return;
            }

            (items, version) = Store.List(target.Resource, target.Namespace, labels, fields);
        }

        var rest = items.Where(i => string.CompareOrdinal(i.Key, after) >= 0).ToList();
        var page = rest.Take(limit ?? int.MaxValue).ToList();
        var metadata = new JsonObject { ["resourceVersion"] = Invariant(version) };
        if (page.Count < rest.Count)
        {
            metadata["continue"] = ContinueToken.Encode(version, page[^1].Key + "\0");
            if (labels.IsEmpty && fields.IsEmpty)
            {
                metadata["remainingItemCount"] = rest.Count - page.Count;
            }
        }

        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $$"""{"kind":"{{target.Api.ListKind}}","apiVersion":"{{target.Api.GroupVersion}}","metadata":{{Json.Write(metadata)}},"items":[""")
            .AppendJoin(',', page.Select(i => i.Json))
            .Append("]}")
            .ToString();
        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext context, ResourcePath target, bool stalled)
    {
        var (labels, fields, problem) = ParseSelectors(context, target);
        if (problem is not null)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest(problem)).ConfigureAwait(false);
            return;
        }

        if (Query(context, "resourceVersionMatch") is not null && Query(context, "sendInitialEvents") is null)
        {
            await WriteJsonAsync(context, 422, KubeStatus.InvalidOptions("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")).ConfigureAwait(false);
            return;
        }

        if (!TryParseVersion(Query(context, "resourceVersion"), out var from, out var versionProblem))
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest(versionProblem)).ConfigureAwait(false);
            return;
        }

        // A version from the future: the server waits for it, then gives up with 504 inside the stream.
        string? failure = null;
        Watcher? watcher = null;
        if (from is > 0 && !await WaitForVersionAsync(from.Value, context.RequestAborted).ConfigureAwait(false))
        {
            failure = KubeStatus.TooLargeResourceVersion(from.Value, Store.CurrentVersion);
        }
        else
        {
            watcher = Store.Watch(target.Resource, target.Namespace, labels, fields, from, IsTrue(context.Request.Query["allowWatchBookmarks"]));
            failure = watcher is null ? KubeStatus.Expired($"too old resource version: {from} ({Store.OldestResumableVersion})") : null;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        if (watcher is null)
        {
            await context.Response.WriteAsync(KubeStatus.ErrorEvent(failure!) + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        watcher.Stalled = stalled;
        Changed.Pulse();
        var timeout = int.TryParse(Query(context, "timeoutSeconds"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        using var expires = new CancellationTokenSource(timeout, Time);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, expires.Token);
        try
        {
            await context.Response.StartAsync(ends.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(ends.Token).ConfigureAwait(false);
            await foreach (var line in watcher.Lines.ReadAllAsync(ends.Token).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line.Text + "\n", ends.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ends.Token).ConfigureAwait(false);
                watcher.Sent(line);
                Changed.Pulse();
            }
        }
        catch (OperationCanceledException)
        {
            // The server-side timeout, or the client went away: the stream just ends.
        }
        catch (IOException)
        {
        }
        finally
        {
            watcher.Close();
        }

        if (watcher.Stalled && expires.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // A stalled watch models a connection gone dead silently: not even the end at its timeout reaches the client.
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Waits (at most <see cref="TooLargeResourceVersionWait"/> on the server's clock) for the store to reach a version.</summary>
    private async Task<bool> WaitForVersionAsync(long version, CancellationToken cancellationToken)
    {
        if (Store.CurrentVersion >= version)
        {
            return true;
        }

        var counted = false;
        try
        {
            return await Store.WaitForVersionAsync(version, TooLargeResourceVersionWait, () =>
            {
                counted = true;
                Interlocked.Increment(ref _waitingForVersion);
                Changed.Pulse();
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (counted)
            {
                Interlocked.Decrement(ref _waitingForVersion);
            }
        }
    }

    private static (LabelSelector Labels, FieldSelector Fields, string? Problem) ParseSelectors(HttpContext context, ResourcePath target)
    {
        if (!LabelSelector.TryParse(Query(context, "labelSelector"), out var labels, out var labelProblem))
        {
            return (labels, FieldSelector.Everything, labelProblem);
        }

        return FieldSelector.TryParse(Query(context, "fieldSelector"), target.Api, out var fields, out var fieldProblem)
            ? (labels, fields, null)
            : (labels, fields, fieldProblem);
    }

    /// <summary>The list options a real server refuses (ListOptions validation).</summary>
    private static string? OptionsProblem(string? resourceVersion, string match, string? continueToken) => match switch
    {
        _ when resourceVersion is null => "resourceVersionMatch is forbidden unless resourceVersion is provided",
        _ when continueToken is not null => "resourceVersionMatch is forbidden when continue is provided",
        "Exact" when resourceVersion == "0" => "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
        "Exact" or "NotOlderThan" => null,
        _ => $"resourceVersionMatch \"{match}\" is not one of \"Exact\", \"NotOlderThan\"",
    };

    private static bool TryParseVersion(string? text, out long? version, out string problem)
    {
        version = null;
        problem = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= long.MaxValue)
        {
            version = (long)parsed;
            return true;
        }

        problem = $"invalid resource version: resourceVersion: Invalid value: \"{text}\": strconv.ParseUint: parsing \"{text}\": invalid syntax";
        return false;
    }

    /// <summary>A continue token as the server makes them: base64 of <c>{"v":"meta.k8s.io/v1","rv":N,"start":"KEY\0"}</c>.</summary>
    private static class ContinueToken
    {
        public static string Encode(long version, string start) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Write(new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = version, ["start"] = start })))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static bool TryDecode(string token, out long version, out string start)
        {
            version = 0;
            start = "";
            try
            {
                var base64 = token.Replace('-', '+').Replace('_', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                var node = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
                if ((string?)node?["v"] != "meta.k8s.io/v1" || node["rv"] is null || (string?)node["start"] is not { } key)
                {
                    return false;
                }

                version = node["rv"]!.GetValue<long>();
                start = key;
                return true;
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                return false;
            }
        }
    }
}
