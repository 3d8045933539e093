using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Exports;

/// <summary>What a row that may be passed over unread says: its invoice, the dates its cells read as, its status text.</summary>
internal sealed record PassingOver(string Number, LedgerIndex.Entry Entry, DateOnly? Issued, DateOnly? Due, string? StatusText);

/// <summary>The reading of one row: an invoice line, a row to pass over, or a rejection with its reason.</summary>
public abstract record RowReading
{
    public sealed record Invoice(InvoiceRow Line) : RowReading;
    /// <summary>Blank lines, group and title rows, subtotal rows, footers, a repeated header.</summary>
    public sealed record Decoration : RowReading;
    /// <summary>Credit notes, payments, overpayments: real rows, but not invoices.</summary>
    public sealed record NotAnInvoice(string Type) : RowReading;
    /// <summary>A TOTAL row with the report's own total of open balances, to reconcile against.</summary>
    public sealed record ReportTotal(int Line, decimal? Balance) : RowReading;
    /// <param name="Number">The invoice the row was for, when it got that far: it is not "missing" from this file.</param>
    public sealed record Rejected(int Line, string Reason, string? Number = null) : RowReading;
}

/// <summary>
/// Reads the data rows of one file. Holds the little state a file needs: the current group label
/// (QuickBooks Open Invoices names the customer on a group row) and the file's date order, as its dates decide it.
/// </summary>
public sealed partial class InvoiceRowReader(ExportHeader header, FileDateOrder dates, ImportSettings settings, ImportWarnings warnings,
    FileDecimalMark? marks = null)
{
    private readonly FileDecimalMark _marks = marks ?? new FileDecimalMark(() => null);
    private readonly ExportFormat _format = header.Format;
    private static readonly ExportField[] AmountFields =
        [ExportField.Total, ExportField.Paid, ExportField.Balance, ExportField.AmountDueBeforePayments, ExportField.LineAmount];

    /// <summary>What the invoice-number column is called: a row whose number reads like this may be the header repeated.</summary>
    private readonly HashSet<string> _numberLabels = header.Format.Aliases.TryGetValue(ExportField.Number, out var labels)
        ? labels.Select(ExportHeader.Normalize).ToHashSet(StringComparer.Ordinal) : [];
    private string? _groupLabel;
    private bool _blankCurrencySaid;
    private readonly Dictionary<ExportField, decimal> _amounts = [];

    private static readonly RowReading Decoration = new RowReading.Decoration();

    /// <summary>A file has a handful of status spellings: each is normalised once, not on every row.</summary>
    private readonly Dictionary<string, StatusHint> _statuses = new(StringComparer.Ordinal);

    /// <summary>A file has a handful of type spellings too: each is asked about once.</summary>
    private readonly Dictionary<string, bool> _types = new(StringComparer.Ordinal);

    private bool IsInvoiceType(string type)
    {
        if (!_types.TryGetValue(type, out var invoice))
        {
            invoice = _format.IsInvoiceType!(type);
            if (_types.Count < 1000)
                _types[type] = invoice;
        }
        return invoice;
    }

    private StatusHint ReadStatus(string? text)
    {
        if (text is null)
            return _format.ReadStatus(null);
        if (!_statuses.TryGetValue(text, out var hint))
        {
            hint = _format.ReadStatus(text);
            if (_statuses.Count < 1000) // a hostile file of unique statuses is normalised row by row, not remembered
                _statuses[text] = hint;
        }
        return hint;
    }

    /// <summary>A row's status, warned about when it is not one ChaseBot knows.</summary>
    public StatusHint ReadStatus(int line, string? statusText)
    {
        var hint = ReadStatus(statusText);
        if (statusText is not null && hint == StatusHint.Unknown)
            warnings.Add("status", $"line {line}: status '{Shorten(statusText)}' is not one ChaseBot knows; the amounts decide");
        return hint;
    }

    /// <summary>
    /// A row that may be passed over unread, if its invoice's fingerprint vouches for it (<see cref="ImportFingerprint"/>):
    /// it gets as far as <see cref="Read"/> would before reading its dates, and its dates are read as Read would read them,
    /// so they decide or contradict the file's date order just the same. Null when the row must be read: not an invoice
    /// row with a fingerprint to check, or one Read would reject before its dates. (Whether it repeats the header need
    /// not be asked: a row with the bytes of one the fingerprint vouches for was an invoice row, in a file laid out alike.)
    /// </summary>
    internal PassingOver? TryPassOver(ExportReader record, LedgerIndex index)
    {
        if (record.Cell(header.ColumnOf(ExportField.Number)) is not { Length: <= 100 } number ||
            index.Fingerprinted(number) is not { } entry || record.FieldCount < header.CellsNeeded)
            return null;
        if (_format.IsInvoiceType is not null && record.Cell(header.ColumnOf(ExportField.Type)) is { } type && !IsInvoiceType(type))
            return null;
        var client = header.Has(ExportField.Client) ? record.Cell(header.ColumnOf(ExportField.Client)) : _groupLabel;
        if (client is not { Length: <= 200 })
            return null;
        DateOnly? issued = null, due = null;
        if (record.Cell(header.ColumnOf(ExportField.IssueDate)) is { } issueText)
        {
            if (!dates.TryRead(record.Line, issueText, out var issueDate))
                return null;
            issued = issueDate;
        }
        if (record.Cell(header.ColumnOf(ExportField.DueDate)) is { } dueText)
        {
            if (!dates.TryRead(record.Line, dueText, out var dueDate))
                return null;
            due = dueDate;
        }
        return new PassingOver(number, entry, issued, due, record.Cell(header.ColumnOf(ExportField.Status)));
    }

    /// <summary>The group label a row without a client column belongs to (QuickBooks' customer rows), for its fingerprint.</summary>
    public string? GroupLabel => header.Has(ExportField.Client) ? null : _groupLabel;

    public RowReading Read(ExportRow row)
    {
        var cells = row.Cells;
        var (filled, first) = (0, "");
        foreach (var cell in cells)
            if (!string.IsNullOrWhiteSpace(cell) && filled++ == 0)
                first = cell.Trim();
        if (filled == 0)
            return Decoration;

        // A byte that is not UTF-8, in a file read as UTF-8 (ExportFileFacts): the row's text cannot be trusted.
        // Its number, when that cell is whole, goes with it: the invoice is in the file, not missing from it.
        if (Array.FindIndex(cells, c => c.Contains('\uFFFD')) is var broken and >= 0)
            return Reject(row, $"it has a byte that is not UTF-8 (in cell {broken + 1}); fix it in the books or save the export as UTF-8 again",
                header.Get(cells, ExportField.Number) is { } whole && !whole.Contains('\uFFFD') ? Text.Lookalikes.Normalized(whole) : null);

        var number = header.Get(cells, ExportField.Number);
        if (number is null)
        {
            if (first.Equals("TOTAL", StringComparison.OrdinalIgnoreCase))
                return new RowReading.ReportTotal(row.Line, ParseOptional(header.Get(cells, ExportField.Balance)));
            if (first.StartsWith("Total", StringComparison.OrdinalIgnoreCase))
                return Decoration;
            if (filled == 1)
            {
                // A group, title or footer row. Without a client column, a group row names the customer.
                if (!header.Has(ExportField.Client))
                    _groupLabel = first;
                return Decoration;
            }
        }
        // The header repeated (reports printed in pages). Matching a header is costly, so only rows whose number cell
        // reads like the number column's title are tried.
        if ((number is null || _numberLabels.Contains(ExportHeader.Normalize(number))) && ExportHeader.TryMatch(_format, cells) is not null)
            return Decoration;

        if (_format.IsInvoiceType is not null && header.Get(cells, ExportField.Type) is { } type && !IsInvoiceType(type))
            return new RowReading.NotAnInvoice(type);

        if (cells.Length < header.CellsNeeded)
            return Reject(row, $"the row has {cells.Length} cells where the header has at least {header.CellsNeeded}: it was cut short");

        number ??= header.Get(cells, ExportField.Id);
        if (number is null)
            return Reject(row, "it has no invoice number");
        if (number.Length > 100)
            return Reject(row, "the invoice number is longer than 100 characters");
        // A look-alike is never stored: "INV-0101" and "INV-0101" with a zero-width space would be two invoices that
        // read the same everywhere, one of them nobody could address in chat.
        if ((Text.Lookalikes.Hidden(number) ?? Text.Lookalikes.OtherDigit(number)) is { } inNumber)
            return Reject(row, $"the invoice number '{Text.Printable.Of(number)}' has {inNumber}");
        number = Text.Lookalikes.Normalized(number);

        var client = header.Get(cells, ExportField.Client) ?? (header.Has(ExportField.Client) ? null : _groupLabel);
        if (client is null)
            return Reject(row, $"invoice {number} has no client name", number);
        if (client.Length > 200)
            return Reject(row, $"invoice {number}: the client name is longer than 200 characters", number);
        if (Text.Lookalikes.Hidden(client) is { } inName)
            return Reject(row, $"invoice {number}: the client name '{Text.Printable.Of(client)}' has {inName}", number);
        client = Text.Lookalikes.Normalized(client);

        DateOnly? issueDate = null;
        if (header.Get(cells, ExportField.IssueDate) is { } issueText)
        {
            if (!dates.TryRead(row.Line, issueText, out var issued))
                return Reject(row, $"invoice {number}: the invoice date '{Shorten(issueText)}' is not a date", number);
            issueDate = issued;
        }

        DateOnly dueDate;
        if (header.Get(cells, ExportField.DueDate) is { } dueText)
        {
            if (!dates.TryRead(row.Line, dueText, out dueDate))
                return Reject(row, $"invoice {number}: the due date '{Shorten(dueText)}' is not a date", number);
        }
        else if (_format.WithoutDueDate == WithoutDueDate.PaymentTermAfterIssue && settings.PaymentTermDays is { } term && issueDate is { } issuedOn)
            dueDate = issuedOn.AddDays(term);
        else if (_format.WithoutDueDate == WithoutDueDate.DueOnIssue && issueDate is { } created)
            dueDate = created;
        else
            return Reject(row, $"invoice {number} has no due date", number);

        var amounts = _amounts; // one per reader, not per row: read within this call only
        amounts.Clear();
        string? currencyHint = null;
        foreach (var field in AmountFields)
        {
            if (header.Get(cells, field) is not { } text)
                continue;
            if (!_marks.TryRead(row.Line, text, out var amount, out var hint, out var why))
                return Reject(row, $"invoice {number}: {Label(field)} '{Shorten(text)}' {why ?? "is not an amount"}", number);
            if (Math.Abs(amount) >= 1_000_000_000_000m)
                return Reject(row, $"invoice {number}: {Label(field)} {Shorten(text)} is too large to be an invoice amount", number);
            amounts[field] = amount;
            currencyHint ??= hint;
        }

        var statusHint = ReadStatus(row.Line, header.Get(cells, ExportField.Status));

        var stated = header.Get(cells, ExportField.Currency)?.ToUpperInvariant();
        // "1 200,00 €" in an NZD row: one of the two is wrong, and storing either would be a guess.
        if (stated is not null && currencyHint is not null && stated != currencyHint)
            return Reject(row, $"invoice {number}: an amount is written in {currencyHint} but the row's currency is {Shorten(stated)}", number);
        var currency = stated ?? currencyHint;
        if (currency is null)
        {
            currency = settings.DefaultCurrency;
            if (!header.Has(ExportField.Currency))
                warnings.Add("currency", $"the file has no currency column; amounts are taken as {currency} (Exports:DefaultCurrency)");
            else if (!_blankCurrencySaid)
            {
                _blankCurrencySaid = true;
                warnings.Add("currency", $"the Currency cell is blank on line {row.Line} (and maybe others); those amounts are taken as {currency} (Exports:DefaultCurrency)");
            }
        }
        if (currency is not [var c1, var c2, var c3] || !char.IsAsciiLetter(c1) || !char.IsAsciiLetter(c2) || !char.IsAsciiLetter(c3))
            return Reject(row, $"invoice {number}: '{Shorten(currency)}' is not a currency code like USD or EUR", number);

        foreach (var field in AmountFields)
            if (amounts.TryGetValue(field, out var amount) && !CurrencyDecimals.Fits(amount, currency))
                return Reject(row, $"invoice {number}: {Label(field)} {Money.Format(amount)} has more decimals than {currency} allows " +
                    $"({CurrencyDecimals.Of(currency)})", number);

        if (Amounts(number, amounts, statusHint, out var reason) is not { } money)
            return Reject(row, reason!);
        return new RowReading.Invoice(new InvoiceRow
        {
            Line = row.Line,
            Number = number,
            ClientName = client,
            Email = header.Get(cells, ExportField.Email),
            Country = header.Get(cells, ExportField.Country),
            PaymentLink = header.Get(cells, ExportField.PaymentLink),
            IssueDate = issueDate,
            DueDate = dueDate,
            Currency = currency,
            Total = money.Total,
            Paid = money.Paid,
            Balance = money.Balance,
            Hint = statusHint,
        });
    }

    private static RowReading Reject(ExportRow row, string reason, string? number = null) => new RowReading.Rejected(row.Line, reason, number);

    private static string Label(ExportField field) => field switch
    {
        ExportField.Total => "the total",
        ExportField.Paid => "the amount paid",
        ExportField.Balance => "the amount due",
        ExportField.AmountDueBeforePayments => "the amount due",
        ExportField.LineAmount => "the line total",
        _ => field.ToString(),
    };

    /// <summary>Cell text quoted in a message, cut short: a hostile 1 MB cell must not become a 1 MB message.</summary>
    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
