namespace ChaseBot.Core.Ledger;

/// <summary>Every vendor's status vocabulary is folded into these five.</summary>
public enum InvoiceStatus
{
    Open,
    PartiallyPaid,
    Paid,
    Void,
    Draft,
}

public static class InvoiceStatusNames
{
    /// <summary>The wire/JSON spelling used by the CLI and later by chat.</summary>
    public static string ToWire(this InvoiceStatus status) => status switch
    {
        InvoiceStatus.Open => "open",
        InvoiceStatus.PartiallyPaid => "partially paid",
        InvoiceStatus.Paid => "paid",
        InvoiceStatus.Void => "void",
        InvoiceStatus.Draft => "draft",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool IsOutstanding(this InvoiceStatus status) =>
        status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid;
}

public static class InvoiceQueries
{
    /// <summary>Invoices still owed (open or partly paid), as a query the database runs: the one spelling of it.</summary>
    public static IQueryable<Invoice> Outstanding(this IQueryable<Invoice> invoices) =>
        invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid);
}
