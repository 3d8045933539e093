using ChaseBot.Core.Ledger;
using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Exports;

/// <summary>
/// Merges the rows of each invoice in one batch. Line-item rows repeat the invoice's values (kept once, and
/// they must agree) or, for formats with no invoice total, add up to it.
/// </summary>
public sealed class InvoiceBatch(LineItems lineItems, ImportWarnings warnings)
{
    private readonly Dictionary<string, (InvoiceRow First, decimal Sum, ulong? Rows)> _invoices = new(InvoiceNumbers.Comparer);

    public int Count => _invoices.Count;
    public bool Contains(string number) => _invoices.ContainsKey(number);

    /// <summary>Adds a row; returns why it is rejected when it contradicts an earlier row of the same invoice.</summary>
    public string? Add(InvoiceRow line)
    {
        if (!_invoices.TryGetValue(line.Number, out var existing))
        {
            _invoices[line.Number] = (line, line.Total, null);
            return null;
        }
        if (line.DisagreementWith(existing.First, lineItems == LineItems.Summed) is { } disagreement)
            return $"invoice {line.Number} appears again with a different {disagreement}; the first row is kept";
        if (lineItems == LineItems.Summed)
            _invoices[line.Number] = existing with { Sum = existing.Sum + line.Total };
        else if (lineItems == LineItems.OneRowPerInvoice)
            return $"invoice {line.Number} appears twice (first on line {existing.First.Line}); the first row is kept";
        return null;
    }

    /// <summary>
    /// The hash of the invoice's rows (<see cref="ImportFingerprint.Rows"/>) once its last row is read; null when no
    /// fingerprint may vouch for it (a row rejected, rows apart in the file).
    /// </summary>
    public void Fingerprint(string number, ulong? rows)
    {
        if (_invoices.TryGetValue(number, out var existing))
            _invoices[number] = existing with { Rows = rows };
    }

    public List<InvoiceFacts> TakeAll()
    {
        var facts = _invoices.Values.Select(v => ToFacts(v.First, v.Sum) with { Rows = v.Rows }).ToList();
        _invoices.Clear();
        return facts;
    }

    private InvoiceFacts ToFacts(InvoiceRow first, decimal sum)
    {
        decimal total, paid, due;
        if (lineItems == LineItems.Summed)
        {
            // No balance in the file: paid in full or not at all, as its status says.
            total = sum;
            var settled = first.Hint == StatusHint.Paid;
            (paid, due) = settled ? (total, 0m) : (0m, total);
            if (!settled && first.Hint == StatusHint.Open && total > 0)
                warnings.Add("no-balance", "the file has no balance column: unpaid invoices are counted as owing their whole total");
        }
        else
            (total, paid, due) = (first.Total, first.Paid ?? first.Total - (first.Balance ?? 0), first.Balance ?? 0);

        return new InvoiceFacts(first.Line, first.Number, first.ClientName.Trim(), first.Email, first.IssueDate,
            first.DueDate, first.Currency, total, paid, due, InvoiceFacts.StatusFrom(first.Hint, paid, due),
            PaymentLink: Parsing.Links.PaymentLink(first.PaymentLink), Country: first.Country);
    }
}
