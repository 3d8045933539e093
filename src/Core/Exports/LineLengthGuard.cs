namespace ChaseBot.Core.Exports;

/// <summary>
/// Stops reading at the first line longer than the limit. A 10 MB line is a broken or hostile file, and a CSV
/// parser would otherwise buffer all of it; refusing early keeps memory flat.
/// </summary>
internal sealed class LineLengthGuard(TextReader inner, int maxLineLength) : TextReader
{
    private int _lineLength;
    private int _line = 1;

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        var c = inner.Read();
        if (c >= 0)
            Count(c == '\n');
        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var read = inner.Read(buffer);
        // Line by line with a vectorised search, not char by char: this runs over every character of the file.
        var rest = buffer[..read];
        while (true)
        {
            var newline = rest.IndexOf('\n');
            var length = newline < 0 ? rest.Length : newline;
            if (_lineLength + length > maxLineLength)
                throw TooLong();
            if (newline < 0)
            {
                _lineLength += length;
                return read;
            }
            _line++;
            _lineLength = 0;
            rest = rest[(newline + 1)..];
        }
    }

    public override Task<int> ReadAsync(char[] buffer, int index, int count) =>
        Task.FromResult(Read(buffer, index, count));

    private void Count(bool newline)
    {
        if (newline)
        {
            _line++;
            _lineLength = 0;
            return;
        }
        if (++_lineLength > maxLineLength)
            throw TooLong();
    }

    private ExportRefusedException TooLong() => TooLong(_line, maxLineLength);

    internal static ExportRefusedException TooLong(int line, int maxLineLength) =>
        new($"line {line} is longer than {maxLineLength:N0} characters; the file is broken or not an export");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// The same guard over the raw bytes of a file whose characters are one byte or more (UTF-8, Windows-1252), so the CSV
/// parser can read the bytes directly: decoding to UTF-16 first, only for the parser to encode it back to UTF-8, was a
/// sixth of a large import. Characters are counted as the encoding counts them; a UTF-8 character split between two reads
/// may count once more, which does not matter for a limit of this size.
/// </summary>
internal sealed class LineLengthGuardStream(Stream inner, int maxLineLength, bool utf8) : Stream
{
    private long _lineLength;
    private int _line = 1;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        var rest = buffer[..read];
        while (true)
        {
            var newline = rest.IndexOf((byte)'\n');
            var segment = newline < 0 ? rest : rest[..newline];
            _lineLength += utf8 ? System.Text.Encoding.UTF8.GetCharCount(segment) : segment.Length;
            if (_lineLength > maxLineLength)
                throw LineLengthGuard.TooLong(_line, maxLineLength);
            if (newline < 0)
                return read;
            _line++;
            _lineLength = 0;
            rest = rest[(newline + 1)..];
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
