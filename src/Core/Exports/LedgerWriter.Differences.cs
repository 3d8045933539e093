using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Exports;

/// <summary>What a file states otherwise than the ledger: for the audit entry, and for rows of one invoice that must agree.</summary>
internal sealed partial class LedgerWriter
{
    /// <summary>One fact the file states otherwise than the ledger holds: what it was (null for a client, known by id only) and is.</summary>
    private sealed record Difference(string Fact, string? Was, string Is)
    {
        public override string ToString() => Was is null ? $"{Fact} → {Is}" : $"{Fact} {Was} → {Is}";
    }

    /// <summary>Every fact the file states otherwise than <paramref name="invoice"/>: for the update's audit entry, and for rows that must agree.</summary>
    private static List<Difference> Changes(LedgerIndex.Entry invoice, InvoiceFacts facts, Client client)
    {
        var changes = new List<Difference>();
        if (invoice.ClientId != client.Id || client.Id == 0)
            changes.Add(new("client", null, client.Name));
        if (invoice.IssueDate != facts.IssueDate && facts.IssueDate is not null)
            changes.Add(new("issue date", $"{invoice.IssueDate:yyyy-MM-dd}", $"{facts.IssueDate:yyyy-MM-dd}"));
        if (invoice.DueDate != facts.DueDate)
            changes.Add(new("due date", $"{invoice.DueDate:yyyy-MM-dd}", $"{facts.DueDate:yyyy-MM-dd}"));
        if (invoice.Currency != facts.Currency)
            changes.Add(new("currency", invoice.Currency, facts.Currency));
        if (invoice.Total != facts.Total)
            changes.Add(new("total", Money.Format(invoice.Total), Money.Format(facts.Total)));
        if (invoice.Paid != facts.Paid)
            changes.Add(new("amount paid", Money.Format(invoice.Paid), Money.Format(facts.Paid)));
        if (invoice.Due != facts.Due)
            changes.Add(new("amount due", Money.Format(invoice.Due), Money.Format(facts.Due)));
        if (invoice.Status != facts.Status)
            changes.Add(new("status", invoice.Status.ToWire(), facts.Status.ToWire()));
        if (facts.PaymentLink is not null && invoice.PaymentLink != facts.PaymentLink)
            changes.Add(new("payment link", invoice.PaymentLink ?? "none", facts.PaymentLink));
        return changes;
    }

    /// <summary>What an invoice's later rows say differently from the rows an earlier batch of the same file wrote, or null.</summary>
    private static string? Disagreement(LedgerIndex.Entry earlier, InvoiceFacts facts, Client client) =>
        Changes(earlier, facts, client).FirstOrDefault() is not { } first ? null
        : first.Was is null ? $"{first.Fact} '{facts.ClientName}' (an earlier row names another)"
        : $"{first.Fact} {first.Is} (an earlier row says {first.Was})";
}
