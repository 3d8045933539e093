namespace ChaseBot.Core.Chasing;

/// <summary>What a message needs to know about a client.</summary>
public sealed record ClientView(long Id, string Name, string? BillingEmail, string? CcAddresses, string Owner, string Channel, string? LateFeeTerms);

/// <summary>What a message needs to know about an invoice on the day it is written.</summary>
public sealed record InvoiceView(long Id, string Number, string Currency, decimal Total, decimal AmountDue, DateOnly? IssueDate, DateOnly DueDate, int DaysLate)
{
    public string Amount => $"{Currency} {Exports.Parsing.Money.Format(AmountDue)}";
}
