namespace ChaseBot.Core.Ledger;

/// <summary>A promise to pay: chasing pauses until the date and resumes, escalated, if it is broken.</summary>
public sealed class PaymentPromise
{
    public long Id { get; set; }
    public long InvoiceId { get; set; }
    public Invoice Invoice { get; set; } = null!;
    public DateOnly PromisedFor { get; set; }
    public decimal? Amount { get; set; }
    public required string RecordedBy { get; set; }
    public DateTime RecordedAt { get; set; }
    /// <summary>Set once the promise is known to be kept or broken.</summary>
    public bool? Kept { get; set; }
}
