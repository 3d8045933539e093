using System.Security.Cryptography;
using System.Text;
using ChaseBot.Core.Text;

namespace ChaseBot.Core.Exports;

/// <summary>
/// What the bytes of a file say before any of it is read as CSV: its hash (how a processed file is
/// remembered), its text encoding, and whether it is text at all. One streaming pass, constant memory.
/// </summary>
public sealed record ExportFileFacts(string Hash, long Size, Encoding? Encoding, string? Problem, string? EncodingWarning)
{
    private const int ChunkSize = 64 * 1024;

    static ExportFileFacts() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Windows1252 => Encoding.GetEncoding(1252);

    public static async Task<ExportFileFacts> InspectAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var stray = new StrayBytes();
        var utf8 = new UTF8Encoding(false, false).Clone() as UTF8Encoding;
        utf8!.DecoderFallback = stray;
        var decoder = utf8.GetDecoder();
        var buffer = new byte[ChunkSize];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(ChunkSize) + 4];
        long size = 0, validNonAscii = 0, newlines = 0;
        long firstNul = -1;
        byte[] head = [];

        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            if (size == 0)
                head = buffer[..Math.Min(read, 4)];
            if (firstNul < 0)
            {
                var nul = Array.IndexOf(buffer, (byte)0, 0, read);
                if (nul >= 0)
                    firstNul = size + nul;
            }
            stray.ChunkStart = size;
            var decoded = decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            for (var i = 0; i < decoded; i++)
                if (chars[i] > 0x7F && chars[i] != '\uFFFD')
                    validNonAscii++;
            if (stray.FirstOffset >= size && stray.FirstLine is null)
                stray.FirstLine = newlines + 1 + buffer.AsSpan(0, (int)(stray.FirstOffset - size)).Count((byte)'\n');
            newlines += buffer.AsSpan(0, read).Count((byte)'\n');
            size += read;
        }
        decoder.GetChars([], 0, 0, chars, 0, flush: true);
        stray.FirstLine ??= stray.Count > 0 ? newlines + 1 : null;
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());

        if (size == 0)
            return new(hash, size, null, "the file is empty", null);
        if (head is [0xFF, 0xFE, 0x00, 0x00])
            return new(hash, size, new UTF32Encoding(bigEndian: false, byteOrderMark: true), null, null);
        if (head is [0x00, 0x00, 0xFE, 0xFF])
            return new(hash, size, new UTF32Encoding(bigEndian: true, byteOrderMark: true), null, null);
        if (head is [0xFF, 0xFE, ..])
            return new(hash, size, Encoding.Unicode, null, null);
        if (head is [0xFE, 0xFF, ..])
            return new(hash, size, Encoding.BigEndianUnicode, null, null);
        // Text with every other byte NUL is UTF-16 that lost its byte order mark: which half is which would be a guess.
        if (head is [not 0, 0, not 0, 0] or [0, not 0, 0, not 0])
            return new(hash, size, null,
                "the file looks like UTF-16 text without a byte order mark, so which byte of each pair comes first would be a guess. " +
                "Save it as CSV (UTF-8), or as Unicode text with its byte order mark.", null);
        if (firstNul >= 0)
            return new(hash, size, null,
                $"the file is binary, not CSV text (a NUL byte at offset {firstNul}). " +
                "If it is a spreadsheet, save it as CSV (UTF-8) first.", null);
        if (stray.Count == 0)
            return new(hash, size, new UTF8Encoding(false), null, null);
        var bytes = Counted.Of((int)Math.Min(stray.Count, int.MaxValue), "byte");
        var first = $"line {stray.FirstLine}, byte offset {stray.FirstOffset}";
        // A file that is UTF-8 everywhere else (a byte order mark, or characters only UTF-8 writes) stays UTF-8: a stray
        // byte costs its row, never the whole file read again another way, which would rename "Zürich" "ZÃ¼rich".
        if (head is [0xEF, 0xBB, 0xBF, ..] || validNonAscii > 0)
            return new(hash, size, new UTF8Encoding(false), null,
                $"{bytes} {(stray.Count == 1 ? "is" : "are")} not UTF-8 (the first on {first}) in a file that is UTF-8 elsewhere: " +
                $"the {(stray.Count == 1 ? "row that holds it is" : "rows that hold them are")} rejected, the rest read as UTF-8");
        return new(hash, size, Windows1252, null,
            $"the file is not UTF-8 ({first} has a byte UTF-8 cannot read, and nothing in it is written the UTF-8 way); " +
            "it was read as Windows-1252, the usual encoding of CSV saved by Excel on Windows");
    }

    /// <summary>Counts the bytes a UTF-8 decoder cannot read, and where the first one is, while it decodes as U+FFFD.</summary>
    private sealed class StrayBytes : DecoderFallback
    {
        public long Count;
        public long FirstOffset = -1;
        public long? FirstLine;
        public long ChunkStart;
        public override int MaxCharCount => 1;
        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Replacement(this);

        private sealed class Replacement(StrayBytes owner) : DecoderFallbackBuffer
        {
            private bool _pending;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                owner.Count++;
                if (owner.FirstOffset < 0)
                    owner.FirstOffset = Math.Max(0, owner.ChunkStart + index);
                _pending = true;
                return true;
            }

            public override char GetNextChar()
            {
                if (!_pending)
                    return '\0';
                _pending = false;
                return '\uFFFD';
            }

            public override bool MovePrevious() => false;
            public override int Remaining => _pending ? 1 : 0;
        }
    }
}
