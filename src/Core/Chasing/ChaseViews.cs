using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

/// <summary>What a message needs to know about a client.</summary>
public sealed record ClientView(long Id, string Name, string? BillingEmail, string? CcAddresses, string Owner, string Channel, string? LateFeeTerms)
{
    /// <summary>The client as messages see it: the default owner and channel stand in for ones not set.</summary>
    public static ClientView From(Client client, ChaseSettings settings) =>
        new(client.Id, client.Name, client.BillingEmail, client.CcAddresses, client.OwnerUserId ?? settings.DefaultOwner,
            client.Channel ?? settings.DefaultChannel, client.Clauses.LateFeeTerms);
}

/// <summary>What a message needs to know about an invoice on the day it is written.</summary>
public sealed record InvoiceView(long Id, string Number, string Currency, decimal Total, decimal AmountDue, DateOnly? IssueDate, DateOnly DueDate, int DaysLate)
{
    public string Amount => $"{Currency} {Exports.Parsing.Money.Format(AmountDue)}";

    public static InvoiceView From(Invoice invoice, DateOnly today) =>
        new(invoice.Id, invoice.Number, invoice.Currency, invoice.Total, invoice.AmountDue, invoice.IssueDate, invoice.DueDate,
            today.DayNumber - invoice.DueDate.DayNumber);
}
