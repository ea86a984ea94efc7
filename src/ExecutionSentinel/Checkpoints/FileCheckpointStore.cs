using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ExecutionSentinel.Checkpoints;

/// <summary>Checkpoints as JSON files in a directory, one per workflow, written to a temporary file and moved into place.</summary>
/// <remarks>Public because applications may construct it for <c>UseCheckpoints(store)</c>.</remarks>
public sealed class FileCheckpointStore : ICheckpointStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;

    /// <summary>Creates the store (and the directory, when missing).</summary>
    /// <param name="directory">Where the files go.</param>
    public FileCheckpointStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    /// <inheritdoc />
    public async ValueTask<WatchCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<WatchCheckpoint>(stream, Json, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string key, WatchCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, checkpoint, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string key)
    {
        // A hash keeps any key a valid file name; the readable prefix helps an operator find it.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        var readable = new string(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        return Path.Combine(_directory, $"{readable[..Math.Min(readable.Length, 60)]}-{hash}.json");
    }
}
