namespace ChaseBot.Core.Exports;

/// <summary>The invoice facts a column can carry, whatever the vendor calls it.</summary>
public enum ExportField
{
    Number,
    /// <summary>A vendor id used when the invoice has no number yet (Stripe drafts).</summary>
    Id,
    Client,
    Email,
    IssueDate,
    DueDate,
    Currency,
    Total,
    Paid,
    /// <summary>What is still owed.</summary>
    Balance,
    /// <summary>Stripe's "Amount Due": the total less credits, before payments.</summary>
    AmountDueBeforePayments,
    /// <summary>A line item's amount, for formats with no invoice total (FreshBooks).</summary>
    LineAmount,
    Status,
    /// <summary>Transaction type: invoice, credit note, payment...</summary>
    Type,
    /// <summary>The invoice's own page where the client can pay it online (Stripe's hosted invoice URL).</summary>
    PaymentLink,
    /// <summary>The client's country (Xero's POCountry): where none is recorded, it gives the client's jurisdiction for late-payment law.</summary>
    Country,
}

public enum LineItems
{
    OneRowPerInvoice,
    /// <summary>One row per line item with invoice-level values repeated: keep one copy, never add them.</summary>
    Repeated,
    /// <summary>One row per line item and no invoice total: the invoice total is the sum of the lines.</summary>
    Summed,
}

/// <summary>When an invoice is due if its row has no due date.</summary>
public enum WithoutDueDate
{
    /// <summary>Refuse the row: no due date, no chasing.</summary>
    Reject,
    /// <summary>The user's payment term after the invoice date (FreshBooks exports carry no due date at all).</summary>
    PaymentTermAfterIssue,
    /// <summary>Due when issued (Stripe charges automatically).</summary>
    DueOnIssue,
}

/// <summary>What the vendor's status text says, before the amounts are considered.</summary>
public enum StatusHint
{
    Unknown,
    Open,
    Paid,
    Void,
    Draft,
}

/// <summary>
/// One vendor's export layout, described as data: the aliases of each column, which are required,
/// how line items repeat, and the vendor's status and transaction-type vocabulary.
/// </summary>
public sealed class ExportFormat
{
    /// <summary>Name used with --format and in summaries: "xero", "quickbooks", ...</summary>
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
    /// <summary>The accounting system; invoices are keyed by (Source, Number).</summary>
    public required string Source { get; init; }
    public required IReadOnlyDictionary<ExportField, string[]> Aliases { get; init; }
    public required IReadOnlyList<ExportField> Required { get; init; }
    /// <summary>At least one of these must be present (e.g. a total or a balance).</summary>
    public IReadOnlyList<ExportField[]> RequiredOneOf { get; init; } = [];
    /// <summary>Columns whose presence means this is not the format (FreshBooks has no due date).</summary>
    public IReadOnlyList<ExportField> MustNotHave { get; init; } = [];
    public LineItems LineItems { get; init; } = LineItems.OneRowPerInvoice;
    public IReadOnlyDictionary<string, StatusHint> Statuses { get; init; } = new Dictionary<string, StatusHint>();
    /// <summary>When a row without a due date is due.</summary>
    public WithoutDueDate WithoutDueDate { get; init; } = WithoutDueDate.Reject;
    /// <summary>Given the Type cell, is this row an invoice? Null means every row is.</summary>
    public Func<string, bool>? IsInvoiceType { get; init; }
    /// <summary>
    /// When the header says "this is the right vendor but the wrong file", the reason to refuse it.
    /// </summary>
    public string? RefuseBecause { get; init; }

    public StatusHint ReadStatus(string? text) =>
        text is not null && Statuses.TryGetValue(ExportHeader.Normalize(text), out var hint) ? hint : StatusHint.Unknown;

    public override string ToString() => Name;
}
