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

    private ExportRefusedException TooLong() =>
        new($"line {_line} is longer than {maxLineLength:N0} characters; the file is broken or not an export");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
