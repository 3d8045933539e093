using ChaseBot.Core.Exports;

namespace ChaseBot.Core.Sources.Xero;

/// <summary>
/// A Xero invoice as the ledger's facts, read as Xero's own export is (<see cref="Exports.Formats.XeroInvoiceExport"/>),
/// so an invoice synced and the same invoice exported are one: its number, the contact's name and email, and what is
/// still owed. A credit note allocated to the invoice lowers what is owed as a payment does, so it counts as paid.
/// </summary>
public static class XeroFacts
{
    /// <summary>Sales invoices only: bills (ACCPAY) are money owed by the user, not to them.</summary>
    public static bool IsReceivable(XeroInvoice invoice) => string.Equals(invoice.Type, "ACCREC", StringComparison.OrdinalIgnoreCase);

    public static InvoiceFacts Of(XeroInvoice invoice, string? paymentLink = null)
    {
        var currency = (invoice.CurrencyCode ?? "").ToUpperInvariant();
        var paid = invoice.AmountPaid + invoice.AmountCredited;
        var hint = (invoice.Status ?? "").ToUpperInvariant() switch
        {
            "DRAFT" or "SUBMITTED" => StatusHint.Draft,
            "VOIDED" or "DELETED" => StatusHint.Void, // a deleted invoice was a draft, a voided one is cancelled: neither is owed
            "PAID" => StatusHint.Paid,
            _ => StatusHint.Open,
        };
        var issued = XeroDates.Day(invoice.Date);
        return new InvoiceFacts(0, invoice.InvoiceNumber is { Length: > 0 } number ? number : invoice.InvoiceID,
            invoice.Contact?.Name ?? invoice.Contact?.EmailAddress ?? invoice.Contact?.ContactID ?? "",
            string.IsNullOrWhiteSpace(invoice.Contact?.EmailAddress) ? null : invoice.Contact.EmailAddress.Trim(),
            issued, XeroDates.Day(invoice.DueDate) ?? issued ?? DateOnly.MinValue, currency, invoice.Total, paid, invoice.AmountDue,
            InvoiceFacts.StatusFrom(hint, paid, invoice.AmountDue), PaymentLink: paymentLink, SourceId: invoice.InvoiceID);
    }
}
