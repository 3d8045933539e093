namespace ChaseBot.Core.Chasing;

public enum StepOutcome
{
    /// <summary>A nudge, posted (or queued in the outbox to be posted).</summary>
    Sent,
    /// <summary>A proposal, put to a human.</summary>
    Proposed,
    /// <summary>Passed over: caught up by a later step, or its guard failed. The reason says which.</summary>
    Skipped,
}

/// <summary>
/// What happened to one step of the ladder for one invoice. The unique (InvoiceId, Step) key is what makes a step
/// fire at most once, ever: across reruns, restarts and two Workers racing.
/// </summary>
public sealed class ChaseStepRecord
{
    public long Id { get; set; }
    public long InvoiceId { get; set; }
    /// <summary>A ladder step id ("reminder-2", "late-notice") or "paid" for the thank-you.</summary>
    public required string Step { get; set; }
    public StepOutcome Outcome { get; set; }
    public string? Reason { get; set; }
    /// <summary>The chase day (in the configured time zone) the step was decided on.</summary>
    public DateOnly Day { get; set; }
    public DateTime At { get; set; }
}
