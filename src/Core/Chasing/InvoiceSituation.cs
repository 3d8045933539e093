using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

/// <param name="Reason">The decider's reason (a snooze "Remind first" made says so: its return is worded for it).</param>
public sealed record ProposalState(string Step, ProposalStatus Status, DateOnly ProposedOn, DateOnly? DecidedOn, DateOnly? SnoozedUntil,
    string? Reason = null);

/// <summary>Everything the chase policy needs to know about one invoice, loaded in bulk by the planner.</summary>
public sealed record InvoiceSituation
{
    public required long InvoiceId { get; init; }
    public required string Number { get; init; }
    public required DateOnly DueDate { get; init; }
    public required InvoiceStatus Status { get; init; }
    public ContractClauses Clauses { get; init; } = new();
    public bool ClientPaused { get; init; }
    public DateOnly? ClientPausedUntil { get; init; }
    public DateOnly? SnoozedUntil { get; init; }
    public string? OpenDispute { get; init; }
    /// <summary>A dispute was resolved: chasing waits until this day (Chase:ResumeAfterDisputeDays after the resolution).</summary>
    public DateOnly? ResumesAfterDispute { get; init; }
    /// <summary>The date of the latest promise to pay that is neither kept nor known broken.</summary>
    public DateOnly? PromisedFor { get; init; }
    public string? MissingFromExport { get; init; }
    /// <summary>Its connected source was last synced too long ago to act on (<see cref="Sources.SourcesOptions.MaxStaleness"/>): why, in words.</summary>
    public string? HeldBySource { get; init; }
    /// <summary>A newer export turned it from paid to unpaid, and nobody has confirmed it is owed again (/chase reopen).</summary>
    public DateTime? ReopenedAt { get; init; }
    public bool Reopened => ReopenedAt is not null;
    /// <summary>The invoice's own steps: its reminders (the harsh rungs are the case's).</summary>
    public IReadOnlyDictionary<string, StepOutcome> Steps { get; init; } = new Dictionary<string, StepOutcome>();
    /// <summary>The client's collection case in this currency has begun (a rung proposed or passed over): reminders give way to it.</summary>
    public bool CaseStarted { get; init; }
}

/// <summary>
/// Everything the policy needs to know about one client's collection case in one currency: the client's outstanding
/// invoices in that currency (overdue or not) and the rungs the case has taken.
/// </summary>
public sealed record CaseSituation
{
    public long? CaseId { get; init; }
    public required string Currency { get; init; }
    public ContractClauses Clauses { get; init; } = new();
    public IReadOnlyList<InvoiceSituation> Invoices { get; init; } = [];
    /// <summary>The case's rungs: proposed, or passed over (guard, no final notice).</summary>
    public IReadOnlyDictionary<string, StepOutcome> Steps { get; init; } = new Dictionary<string, StepOutcome>();
    public IReadOnlyList<ProposalState> Proposals { get; init; } = [];
    /// <summary>The day the first message reached the client (emailed, or marked as sent); null when none has.</summary>
    public DateOnly? FirstContact { get; init; }
    /// <summary>Every day a message reached the client (emailed, or marked as sent), oldest first.</summary>
    public IReadOnlyList<DateOnly> ContactDays { get; init; } = [];
    /// <summary>The latest "pay by" date a message that reached the client gave: no rung comes before it and the grace days.</summary>
    public DateOnly? PayByGiven { get; init; }
    public bool Started => Steps.Count > 0 || Proposals.Count > 0;
}
