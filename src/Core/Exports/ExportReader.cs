using System.Text;
using CsvHelper;

namespace ChaseBot.Core.Exports;

/// <summary>A CSV record after the header, with the line it starts on.</summary>
public readonly record struct ExportRow(int Line, string[] Cells);

/// <summary>
/// Streams an export file: finds the header row among preamble lines, then yields the records after it.
/// Never holds more than one record.
/// </summary>
public sealed class ExportReader : IDisposable
{
    /// <summary>Header rows are looked for among this many records (QuickBooks preambles are 4–6 lines).</summary>
    private const int HeaderSearchDepth = 100;

    /// <summary>A record longer than this (in UTF-8 bytes) means a quote that never closes.</summary>
    private const int MaxRecordBytes = 1_000_000;

    private readonly CsvReader _csv;
    private long? _unterminatedQuoteLine;

    public ExportReader(Stream stream, Encoding encoding, int maxLineLength)
    {
        // The parser reads UTF-8 bytes: UTF-8 files go to it as they are, Windows-1252 is transcoded by it as it reads.
        // UTF-16 files (rare) are decoded to text first.
        var bytes = encoding is UTF8Encoding || encoding.CodePage == ExportFileFacts.Windows1252.CodePage;
        var options = new CsvReaderOptions
        {
            Encoding = bytes && encoding is not UTF8Encoding ? encoding : null, // null: UTF-8, with a byte order mark honoured
            HasHeader = false, // The header is found by its column names, after any preamble.
            TrackLineNumbers = true,
            MaxRecordSize = MaxRecordBytes,
            // Recover (the default) keeps a stray quote as text; the row's values are checked afterwards.
            MalformedData = CsvMalformedDataHandling.Recover,
            // ...except a quote that is never closed: everything after it would silently become one cell.
            OnMalformedRecord = record =>
            {
                if (record.Reason == CsvMalformedReason.UnterminatedQuote)
                    _unterminatedQuoteLine = record.LineNumber;
            },
        };
        if (bytes)
            _csv = CsvReader.Create(new LineLengthGuardStream(stream, maxLineLength, utf8: encoding is UTF8Encoding), options, leaveOpen: false);
        else
        {
            var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            _csv = CsvReader.Create(new LineLengthGuard(text, maxLineLength), options, leaveOpen: false);
        }
    }

    public ExportHeader? Header { get; private set; }

    /// <summary>The lines above the header (a report's company, title and "As of …"), their cells joined: read for the export's own date.</summary>
    public List<string> Preamble { get; } = [];

    /// <summary>
    /// Finds the first record that is a header of one of <paramref name="formats"/> (the best match when
    /// several fit). Refuses the file when there is none.
    /// </summary>
    public ExportHeader FindHeader(IReadOnlyList<ExportFormat> formats)
    {
        var records = 0;
        string[]? firstRow = null;
        while (records < HeaderSearchDepth && TryRead(out var row))
        {
            records++;
            if (row.Cells.All(string.IsNullOrWhiteSpace))
                continue;
            firstRow ??= [.. row.Cells];
            var best = formats.Select(f => ExportHeader.TryMatch(f, row.Cells))
                .Where(h => h is not null)
                .MaxBy(h => h!.FieldCount);
            if (best is null)
            {
                if (Preamble.Count < 10)
                    Preamble.Add(string.Join(' ', row.Cells.Where(c => !string.IsNullOrWhiteSpace(c))));
            }
            else
            {
                Header = best;
                if (best.Format.RefuseBecause is { } reason)
                    throw new ExportRefusedException(reason);
                if (best.Duplicates.Count > 0)
                    throw new ExportRefusedException(
                        $"the header names {string.Join(" and ", best.Duplicates)} twice, so which column to read would be a guess: " +
                        "remove or rename one and import the file again");
                return best;
            }
        }
        if (records == 0)
            throw new ExportRefusedException("the file has no rows");
        if (firstRow is null) // ",,,", a lone space, "", a byte order mark and blank lines: rows with nothing in them
            throw new ExportRefusedException("the file has no rows: every line is blank");
        throw new ExportRefusedException(
            $"this is not an export ChaseBot recognises: its first row ({FoundColumns(firstRow!)}) is no known format's header. " +
            "Choose one with --format " +
            string.Join("|", formats.Where(f => f.RefuseBecause is null).Select(f => f.Name.Split('-')[0]).Distinct()) +
            " or map your columns with Exports:Generic:Columns (docs/exports.md lists each format's columns).");
    }

    /// <summary>What the first row holds, cut short: a few names are enough to recognise the file by.</summary>
    private static string FoundColumns(string[] cells)
    {
        var named = cells.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Length <= 30 ? c.Trim() : c.Trim()[..30] + "…").ToList();
        var shown = string.Join(", ", named.Take(5).Select(c => $"\"{c}\""));
        return named.Count > 5 ? $"{shown} and {named.Count - 5} more" : shown;
    }

    /// <summary>The records after the header.</summary>
    public IEnumerable<ExportRow> Rows()
    {
        if (Header is null)
            throw new InvalidOperationException("FindHeader first.");
        while (Next())
            yield return Row();
    }

    /// <summary>
    /// Moves to the next record after the header without turning its cells into text: a re-import looks at one cell and the
    /// record's bytes first (<see cref="Raw"/>, <see cref="Cell"/>), and reads the whole row (<see cref="Row"/>) only
    /// when it must.
    /// </summary>
    public bool Next()
    {
        if (Header is null)
            throw new InvalidOperationException("FindHeader first.");
        return Advance();
    }

    /// <summary>How many cells the current record has.</summary>
    public int FieldCount => _csv.FieldCount;

    /// <summary>The line the current record starts on.</summary>
    public int Line => (int)_csv.LineNumber;

    /// <summary>The current record's bytes as the file has them (UTF-8), without its line break; valid until the next record.</summary>
    public ReadOnlySpan<byte> Raw => _csv.RawRecord;

    /// <summary>One cell of the current record as <see cref="ExportHeader.Get"/> reads it: trimmed, null when empty or absent.</summary>
    public string? Cell(int column)
    {
        return column < 0 || column >= _csv.FieldCount ? null : ExportHeader.Cleaned(_csv.GetString(column) ?? "");
    }

    /// <summary>The current record, every cell as text.</summary>
    public ExportRow Row()
    {
        var cells = new string[_csv.FieldCount];
        for (var i = 0; i < cells.Length; i++)
            cells[i] = _csv.GetString(i) ?? "";
        return new ExportRow(Line, cells);
    }

    /// <summary>
    /// A record read again from its bytes (<see cref="Raw"/>, copied), as this reader read it the first time. Only for
    /// UTF-8 files, whose bytes the record's are.
    /// </summary>
    public static ExportRow Reread(byte[] record, int line)
    {
        using var reader = new ExportReader(new MemoryStream(record, writable: false), new UTF8Encoding(false), int.MaxValue);
        if (!reader.Advance())
            return new ExportRow(line, [""]); // an empty record: a blank line
        return reader.Row() with { Line = line };
    }

    private bool TryRead(out ExportRow row)
    {
        if (!Advance())
        {
            row = default;
            return false;
        }
        row = Row();
        return true;
    }

    private bool Advance()
    {
        try
        {
            if (!_csv.Read())
                return false;
            if (_unterminatedQuoteLine is { } quoteLine)
                throw new ExportRefusedException(
                    $"a quote opened on line {quoteLine} is never closed, so the rest of the file would be read as one cell; " +
                    "the file is broken or was cut short");
            return true;
        }
        catch (ExportRefusedException)
        {
            throw;
        }
        catch (CsvFormatException e) when (e.InnerException is ExportRefusedException refused)
        {
            throw refused;
        }
        catch (CsvFormatException e)
        {
            throw new ExportRefusedException(
                $"the file is not valid CSV near line {Math.Max(e.LineNumber, 1)}: a record runs past " +
                $"{MaxRecordBytes:N0} bytes, usually a quote that is never closed");
        }
        catch (DecoderFallbackException)
        {
            throw new ExportRefusedException("the file contains text that is not in its encoding");
        }
    }

    public void Dispose() => _csv.Dispose();
}
