using System.Buffers;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// Splits a watch's body into its lines (one JSON event each) as UTF-8 bytes, in a pooled buffer that grows only for a
/// longer line, and is given back once that line is read: no string per line, as a <see cref="StreamReader"/> would build.
/// </summary>
/// <param name="stream">The body.</param>
/// <param name="maxLineBytes">
/// The longest line read: past it the read fails (<see cref="InvalidDataException"/>) instead of growing the buffer without
/// end for a server that never sends a newline. The default is far above any object the API server stores (etcd's
/// request limit is about 1.5 MB).
/// </param>
internal sealed class JsonLineReader(Stream stream, int maxLineBytes = 64 * 1024 * 1024) : IDisposable
{
    private const int InitialSize = 64 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;
    private int _end;
    private bool _ended;
    private bool _bomChecked;

    /// <summary>The buffer's size now (tests: it is given back after a long line).</summary>
    internal int BufferSize => _buffer.Length;

    /// <summary>The next non-empty line, valid until the next call; <see langword="null"/> at the end of the stream.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length > InitialSize && _end - _start < InitialSize)
        {
            // The long line that grew the buffer has been read (the caller is done with it): what is left fits in a buffer
            // of the first size, and the large one goes back.
            var smaller = ArrayPool<byte>.Shared.Rent(InitialSize);
            Buffer.BlockCopy(_buffer, _start, smaller, 0, _end - _start);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = smaller;
            _end -= _start;
            _start = 0;
        }

        var scanned = _start;
        while (true)
        {
            var at = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (at >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, at - _start);
                _start = at + 1;
                if (IsBlank(line.Span))
                {
                    scanned = _start;
                    continue;
                }

                return line;
            }

            if (_ended)
            {
                // The last line may lack its newline. (Not a conditional expression: its null would become an empty
                // ReadOnlyMemory through byte[]'s implicit conversion, and the caller would read empty lines forever.)
                var rest = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
                _start = _end;
                if (IsBlank(rest.Span))
                {
                    return null;
                }

                return rest;
            }

            scanned = _end;
            if (_start > 0)
            {
                // Move what is left of the current line to the front.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                scanned -= _start;
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                if (_end >= maxLineBytes)
                {
                    throw new InvalidDataException($"A watch line is longer than {maxLineBytes} bytes: the server sends no newline.");
                }

                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
            }

            _end += read;
            if (!_bomChecked && (_end >= 3 || _ended))
            {
                // A byte order mark before the first line (as StreamReader, the client's reader, skips it): the line
                // would not parse, and its event would be lost.
                _bomChecked = true;
                if (_start == 0 && _buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
                {
                    _start = 3;
                }
            }
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \r\t"u8).IsEmpty;
}
