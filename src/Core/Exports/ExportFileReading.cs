using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Exports;

/// <summary>Opening an export file for reading: at its header, and ahead of the import for the first date that decides the order.</summary>
internal static class ExportFileReading
{
    /// <summary>A reader of the file, positioned after its header row; refuses a file with no header it knows.</summary>
    internal static (ExportReader Reader, ExportHeader Header) OpenAtHeader(string path, ExportFileFacts facts, ImportSettings settings)
    {
        var reader = new ExportReader(OpenRead(path), facts.Encoding!, settings.MaxLineLength);
        try
        {
            return (reader, reader.FindHeader(settings.Formats()));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The first date in the file that only one order can read (a day above 12), for a file whose rows met a date either
    /// order could read before any such date. Reads ahead on a reader of its own; rare (most files decide on their first rows).
    /// </summary>
    internal static (int Line, string Text, DateOrder Order)? FirstDecidingDate(string path, ExportFileFacts facts, ImportSettings settings)
    {
        var (reader, header) = OpenAtHeader(path, facts, settings);
        using var reading = reader;
        var dateColumns = new[] { ExportField.IssueDate, ExportField.DueDate }.Where(header.Has).ToArray();
        foreach (var row in reader.Rows())
            foreach (var column in dateColumns)
                if (header.Get(row.Cells, column) is { } text)
                    switch (ExportDate.Observe(text))
                    {
                        case DateEvidence.DayFirst: return (row.Line, text, DateOrder.DayFirst);
                        case DateEvidence.MonthFirst: return (row.Line, text, DateOrder.MonthFirst);
                    }
        return null;
    }

    /// <summary>The first amount in the file that shows its decimal mark, read ahead on a reader of its own; null when none does.</summary>
    internal static (int Line, string Text, DecimalMark Mark)? FirstDecidingAmount(string path, ExportFileFacts facts, ImportSettings settings)
    {
        var (reader, header) = OpenAtHeader(path, facts, settings);
        using var reading = reader;
        var amountColumns = new[] { ExportField.Total, ExportField.Paid, ExportField.Balance, ExportField.AmountDueBeforePayments, ExportField.LineAmount }
            .Where(header.Has).ToArray();
        foreach (var row in reader.Rows())
            foreach (var column in amountColumns)
                if (header.Get(row.Cells, column) is { } text)
                    switch (Money.Observe(text))
                    {
                        case MarkEvidence.Point: return (row.Line, text, DecimalMark.Point);
                        case MarkEvidence.Comma: return (row.Line, text, DecimalMark.Comma);
                    }
        return null;
    }

    internal static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
}
