using System.Globalization;
using ChaseBot.Core.Exports;

namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>
/// A QuickBooks Online invoice as the ledger's facts, read as QuickBooks' own reports are
/// (<see cref="Exports.Formats.QuickBooksReport"/>), so an invoice synced and the same invoice exported are one: its
/// number, the customer's display name, the open balance deciding what is owed. QuickBooks has no "void" status: a
/// voided invoice keeps its number with nothing owed and "Voided" in its private note.
/// </summary>
public static class QuickBooksFacts
{
    public static bool IsDeleted(QuickBooksInvoice invoice) => string.Equals(invoice.Status, "Deleted", StringComparison.OrdinalIgnoreCase);

    public static bool IsVoided(QuickBooksInvoice invoice) =>
        invoice.TotalAmt == 0 && invoice.Balance == 0 && (invoice.PrivateNote ?? "").Contains("Voided", StringComparison.OrdinalIgnoreCase);

    public static InvoiceFacts Of(QuickBooksInvoice invoice, string homeCurrency)
    {
        var currency = (invoice.CurrencyRef?.Value ?? homeCurrency).ToUpperInvariant();
        var paid = invoice.TotalAmt - invoice.Balance;
        var issued = Day(invoice.TxnDate);
        var hint = IsVoided(invoice) ? StatusHint.Void : StatusHint.Open;
        // The billing address, then the CC list, in one cell as an export would write them: the ledger takes the first
        // as the client's address and the rest as CC when it has none of its own (EmailAddresses.FromExport).
        var emails = string.Join(", ", new[] { invoice.BillEmail?.Address, invoice.BillEmailCc?.Address }.Where(a => !string.IsNullOrWhiteSpace(a)));
        return new InvoiceFacts(0, invoice.DocNumber is { Length: > 0 } number ? number : invoice.Id, invoice.CustomerRef?.Name ?? "",
            emails.Length == 0 ? null : emails,
            issued, Day(invoice.DueDate) ?? issued ?? DateOnly.MinValue, currency, invoice.TotalAmt, paid < 0 ? 0 : paid, invoice.Balance,
            InvoiceFacts.StatusFrom(hint, paid, invoice.Balance),
            PaymentLink: Uri.TryCreate(invoice.InvoiceLink, UriKind.Absolute, out var link) && link.Scheme == Uri.UriSchemeHttps ? invoice.InvoiceLink : null,
            SourceId: invoice.Id);
    }

    private static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
