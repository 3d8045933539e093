namespace ChaseBot.Core.Exports.Parsing;

/// <summary>
/// Whether a file's numeric dates put the day or the month first, decided by the file's own dates as its rows are
/// read, instead of by a pass over the whole file before the import (that pass was a tenth of a large import).
/// <list type="bullet">
/// <item>A date that reads the same either way (2026-01-19, 19 Jan 2026, 05/05/2026) decides nothing.</item>
/// <item>The first date only one order can read (19/01/2026) decides the order for the file.</item>
/// <item>A later date only the other order can read refuses the file, naming both: the dates disagree. The import is
/// one transaction, so nothing read before it is kept.</item>
/// <item>A date either order could read (03/04/2026) met before anything decided looks ahead through the file for the
/// first date that decides; when none does, the file is refused: the user must say (--date-order).</item>
/// </list>
/// An order given in settings is used as it is, but a date only the other order can read (13/12/2026 under month
/// first) refuses the file: every other date of it would then be read the wrong way round.
/// </summary>
public sealed class FileDateOrder(DateOrder configured, Func<(int Line, string Text, DateOrder Order)?> firstDecidingDate)
{
    private (int Line, string Text, DateOrder Order)? _decidedBy;

    /// <summary>
    /// Dates already read in the order known now: an export repeats a few hundred dates over all its rows, and reading
    /// one was a third of turning a row into an invoice. Forgotten when the order is decided, and when it fills.
    /// </summary>
    private readonly Dictionary<string, DateOnly> _read = new(StringComparer.Ordinal);
    private const int ReadKept = 4096;

    public DateOrder Order => configured != DateOrder.Unknown ? configured : _decidedBy?.Order ?? DateOrder.Unknown;

    /// <summary>Reads a date cell. False when it is not a date; throws <see cref="ExportRefusedException"/> when the file's dates disagree.</summary>
    public bool TryRead(int line, string text, out DateOnly date)
    {
        if (_read.TryGetValue(text, out date))
            return true;
        if (ExportDate.TryParse(text, Order, out date))
        {
            if (_read.Count >= ReadKept)
                _read.Clear();
            _read[text] = date;
            return true;
        }
        if (configured != DateOrder.Unknown)
            return ExportDate.Observe(text) is DateEvidence.DayFirst or DateEvidence.MonthFirst ? throw Contradicts(line, text) : false;
        // It did not read in the order known so far (or none is known yet): what does it say about the order?
        var evidence = ExportDate.Observe(text);
        switch (evidence)
        {
            case DateEvidence.DayFirst or DateEvidence.MonthFirst:
                var order = evidence == DateEvidence.DayFirst ? DateOrder.DayFirst : DateOrder.MonthFirst;
                if (_decidedBy is { } decided && decided.Order != order)
                    throw Disagree(decided, (line, text, order));
                if (_decidedBy is null)
                {
                    _decidedBy = (line, text, order);
                    _read.Clear(); // read before the order was known
                }
                break;
            case DateEvidence.Either when _decidedBy is null:
                _read.Clear();
                _decidedBy = firstDecidingDate() ?? throw new ExportRefusedException(
                    $"cannot tell whether dates like {text} (line {line}) are day-first or month-first: no date in the file " +
                    "has a day above 12. Rerun with --date-order dmy or --date-order mdy (or set Exports:DateOrder)");
                break;
            default:
                return false;
        }
        return ExportDate.TryParse(text, Order, out date);
    }

    private ExportRefusedException Contradicts(int line, string text)
    {
        var (given, other) = configured == DateOrder.DayFirst ? ("dmy", "mdy") : ("mdy", "dmy");
        return new ExportRefusedException(
            $"the file contradicts --date-order {given}: line {line} has {text}, which can only be read with the " +
            $"{(given == "dmy" ? "month" : "day")} first. Nothing was imported. Rerun with --date-order {other}, or without " +
            "--date-order to let ChaseBot decide from the file (Exports:DateOrder)");
    }

    private static ExportRefusedException Disagree((int Line, string Text, DateOrder Order) a, (int Line, string Text, DateOrder Order) b)
    {
        var (dayFirst, monthFirst) = a.Order == DateOrder.DayFirst ? (a, b) : (b, a);
        return new ExportRefusedException(
            $"the dates disagree: line {dayFirst.Line} has {dayFirst.Text} (day first) and line {monthFirst.Line} has {monthFirst.Text} " +
            "(month first). Fix the file, or choose with --date-order dmy|mdy (Exports:DateOrder)");
    }
}
