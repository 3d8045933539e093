using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Exports;

/// <summary>What one data row says about its invoice, before line items are merged.</summary>
public sealed record InvoiceRow
{
    public required int Line { get; init; }
    public required string Number { get; init; }
    public required string ClientName { get; init; }
    public string? Email { get; init; }
    public string? Country { get; init; }
    public string? PaymentLink { get; init; }
    public DateOnly? IssueDate { get; init; }
    public required DateOnly DueDate { get; init; }
    public required string Currency { get; init; }
    public required decimal Total { get; init; }
    /// <summary>Null when the format says nothing of payments (summed line items): decided once merged.</summary>
    public decimal? Paid { get; init; }
    public decimal? Balance { get; init; }
    public required StatusHint Hint { get; init; }

    /// <summary>The invoice-level facts that repeated line-item rows must agree on.</summary>
    public string? DisagreementWith(InvoiceRow earlier, bool linesAreSummed)
    {
        if (Client.Normalize(ClientName) != Client.Normalize(earlier.ClientName))
            return $"client '{ClientName}' (line {earlier.Line} says '{earlier.ClientName}')";
        if (DueDate != earlier.DueDate)
            return $"due date {DueDate:yyyy-MM-dd} (line {earlier.Line} says {earlier.DueDate:yyyy-MM-dd})";
        if (Currency != earlier.Currency)
            return $"currency {Currency} (line {earlier.Line} says {earlier.Currency})";
        if (Hint != earlier.Hint)
            return $"status {Hint} (line {earlier.Line} says {earlier.Hint})";
        if (linesAreSummed)
            return null;
        if (Total != earlier.Total)
            return $"total {Parsing.Money.Format(Total)} (line {earlier.Line} says {Parsing.Money.Format(earlier.Total)})";
        if (Balance != earlier.Balance)
            return $"amount due {Format(Balance)} (line {earlier.Line} says {Format(earlier.Balance)})";
        if (Paid != earlier.Paid)
            return $"amount paid {Format(Paid)} (line {earlier.Line} says {Format(earlier.Paid)})";
        return null;
    }

    private static string Format(decimal? amount) => amount is { } a ? Parsing.Money.Format(a) : "none";
}

/// <summary>
/// One invoice as the file states it, all its rows merged; ready to be written to the ledger. <see cref="Rows"/> is the hash of
/// its rows for its fingerprint (<see cref="ImportFingerprint"/>), when the file can give one.
/// </summary>
public sealed record InvoiceFacts(
    int FirstLine,
    string Number,
    string ClientName,
    string? Email,
    DateOnly? IssueDate,
    DateOnly DueDate,
    string Currency,
    decimal Total,
    decimal Paid,
    decimal Due,
    InvoiceStatus Status,
    ulong? Rows = null,
    string? PaymentLink = null,
    string? SourceId = null,
    string? Country = null)
{
    /// <summary>Folds the vendor's status and the amounts into one of the five ledger statuses.</summary>
    public static InvoiceStatus StatusFrom(StatusHint hint, decimal paid, decimal due) => hint switch
    {
        StatusHint.Void => InvoiceStatus.Void,
        StatusHint.Draft => InvoiceStatus.Draft,
        _ when due <= 0 => InvoiceStatus.Paid,
        _ when paid > 0 => InvoiceStatus.PartiallyPaid,
        _ => InvoiceStatus.Open,
    };
}
