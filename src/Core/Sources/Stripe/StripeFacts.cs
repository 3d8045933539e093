using ChaseBot.Core.Exports;
using Stripe;

namespace ChaseBot.Core.Sources.Stripe;

/// <summary>
/// A Stripe invoice as the ledger's facts, read as the Stripe export is (<see cref="Exports.Formats.StripeInvoiceExport"/>),
/// so an invoice synced and the same invoice exported are one: its number (its id while a draft has none), the customer's
/// name (else email), amounts from minor units, "uncollectible" still owed, no due date meaning due when issued.
/// </summary>
public static class StripeFacts
{
    /// <summary>Stripe's zero-decimal currencies: an amount of 1500 is ¥1,500 (Stripe's currency documentation).</summary>
    private static readonly HashSet<string> ZeroDecimal =
        ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "VND", "VUV", "XAF", "XOF", "XPF"];

    /// <summary>Stripe's three-decimal currencies: 1000 is 1.000 dinar.</summary>
    private static readonly HashSet<string> ThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

    /// <summary>An amount in Stripe's smallest unit of <paramref name="currency"/> as an amount of money.</summary>
    public static decimal Amount(long minorUnits, string currency) =>
        ZeroDecimal.Contains(currency) ? minorUnits : ThreeDecimal.Contains(currency) ? minorUnits / 1000m : minorUnits / 100m;

    public static InvoiceFacts Of(Invoice invoice)
    {
        var currency = (invoice.Currency ?? "").ToUpperInvariant();
        var total = Amount(invoice.Total, currency);
        var paid = Amount(invoice.AmountPaid, currency);
        var due = Amount(invoice.AmountRemaining, currency);
        var hint = invoice.Status switch
        {
            "draft" => StatusHint.Draft,
            "paid" => StatusHint.Paid,
            "void" => StatusHint.Void,
            _ => StatusHint.Open, // "open", and "uncollectible": marked so in Stripe, but still owed and still payable
        };
        var issued = DateOnly.FromDateTime(invoice.Created);
        return new InvoiceFacts(0, invoice.Number ?? invoice.Id, invoice.CustomerName ?? invoice.CustomerEmail ?? invoice.CustomerId ?? invoice.Id,
            invoice.CustomerEmail, issued, invoice.DueDate is { } dueDate ? DateOnly.FromDateTime(dueDate) : issued, currency, total, paid, due,
            InvoiceFacts.StatusFrom(hint, paid, due), PaymentLink: invoice.HostedInvoiceUrl, SourceId: invoice.Id);
    }
}
