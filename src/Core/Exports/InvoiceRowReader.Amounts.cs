using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Exports;

/// <summary>A row's amounts: total, paid and balance as the format states them, reconciled, in the file's decimal mark.</summary>
public sealed partial class InvoiceRowReader
{
    /// <summary>
    /// Derives total, paid and balance from whichever of them the format gives, or says why it cannot.
    /// </summary>
    private (decimal Total, decimal? Paid, decimal? Balance)? Amounts(
        string number, Dictionary<ExportField, decimal> a, StatusHint hint, out string? reason)
    {
        reason = null;
        a.TryGetValue(ExportField.Total, out var total);
        var hasTotal = a.ContainsKey(ExportField.Total);
        decimal? paid = a.TryGetValue(ExportField.Paid, out var p) ? p : null;
        decimal? balance = a.TryGetValue(ExportField.Balance, out var b) ? b : null;

        if (_format.LineItems == LineItems.Summed)
        {
            if (a.TryGetValue(ExportField.LineAmount, out var lineAmount))
                return (lineAmount, null, null);
            reason = $"invoice {number} has no line total";
            return null;
        }
        if (a.TryGetValue(ExportField.AmountDueBeforePayments, out var dueBeforePayments))
        {
            // Stripe: what the customer owes before payments; the total may include credits applied.
            if (!hasTotal) { total = dueBeforePayments; hasTotal = true; }
            balance ??= dueBeforePayments - (paid ?? 0);
        }
        if (!hasTotal && balance is null)
        {
            reason = $"invoice {number} has neither a total nor an amount due";
            return null;
        }
        if (!hasTotal)
            total = balance!.Value + (paid ?? 0);
        balance ??= hint == StatusHint.Paid && paid is null ? 0 : total - (paid ?? 0);
        paid ??= total - balance.Value;

        if (a.TryGetValue(ExportField.Paid, out var paidGiven) && paidGiven < 0)
        {
            reason = $"invoice {number}: the amount paid is negative ({Money.Format(paidGiven)}); a refund or reversal " +
                     "is not a payment, so the row was not imported. Fix it in the accounting tool and export again";
            return null;
        }
        if (total < 0)
        {
            reason = $"invoice {number} has a negative total ({Money.Format(total)}): a credit, not an invoice";
            return null;
        }
        // Overpaid: nothing is owed; the overpayment itself is the accounting tool's business.
        return (total, paid, Math.Max(balance.Value, 0));
    }

    private decimal? ParseOptional(string? text) => Money.TryParse(text, out var amount, out _, _marks.Mark) ? amount : null;
}
