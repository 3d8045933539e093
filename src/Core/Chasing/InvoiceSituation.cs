using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

public sealed record ProposalState(string Step, ProposalStatus Status, DateOnly ProposedOn, DateOnly? DecidedOn, DateOnly? SnoozedUntil);

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
    /// <summary>The date of the latest promise to pay that is neither kept nor known broken.</summary>
    public DateOnly? PromisedFor { get; init; }
    public string? MissingFromExport { get; init; }
    public IReadOnlyDictionary<string, StepOutcome> Steps { get; init; } = new Dictionary<string, StepOutcome>();
    public IReadOnlyList<ProposalState> Proposals { get; init; } = [];
}
