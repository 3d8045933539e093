namespace ChaseBot.Core.Ledger;

public enum PaymentOrigin
{
    /// <summary>Seen in an export: the amount paid went up between two imports.</summary>
    Export,
    /// <summary>Logged by a person (chat or command line).</summary>
    Logged,
}

public sealed class Payment
{
    public long Id { get; set; }
    public long InvoiceId { get; set; }
    public Invoice Invoice { get; set; } = null!;
    public decimal Amount { get; set; }
    public required string Currency { get; set; }
    public DateOnly PaidOn { get; set; }
    public PaymentOrigin Origin { get; set; }
    public long? ImportRunId { get; set; }
    public required string RecordedBy { get; set; }
    public DateTime RecordedAt { get; set; }
}
