using System.Security.Cryptography;
using System.Text;

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
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var buffer = new byte[ChunkSize];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(ChunkSize) + 4];
        long size = 0;
        var validUtf8 = true;
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
            if (validUtf8)
            {
                try { strictUtf8.GetChars(buffer, 0, read, chars, 0, flush: false); }
                catch (DecoderFallbackException) { validUtf8 = false; }
            }
            size += read;
        }
        if (validUtf8)
        {
            try { strictUtf8.GetChars([], 0, 0, chars, 0, flush: true); }
            catch (DecoderFallbackException) { validUtf8 = false; }
        }
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());

        if (size == 0)
            return new(hash, size, null, "the file is empty", null);
        if (head is [0xFF, 0xFE, ..])
            return new(hash, size, Encoding.Unicode, null, null);
        if (head is [0xFE, 0xFF, ..])
            return new(hash, size, Encoding.BigEndianUnicode, null, null);
        if (firstNul >= 0)
            return new(hash, size, null,
                $"the file is binary, not CSV text (a NUL byte at offset {firstNul}). " +
                "If it is a spreadsheet, save it as CSV (UTF-8) first.", null);
        if (validUtf8)
            return new(hash, size, new UTF8Encoding(false), null, null);
        return new(hash, size, Windows1252, null,
            "the file is not valid UTF-8; it was read as Windows-1252 (the usual encoding of CSV saved by Excel on Windows)");
    }
}
