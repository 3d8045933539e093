using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Exports;

/// <summary>What an import did, as the CLI prints it (and as --json spells it).</summary>
public sealed record ImportSummary
{
    public required string File { get; init; }
    public string? Format { get; init; }
    public ImportOutcome Outcome { get; init; }
    /// <summary>Why the file was refused, or which earlier run already imported it.</summary>
    public string? Message { get; init; }
    public long RunId { get; init; }
    public int Rows { get; init; }
    public int Invoices { get; init; }
    public int Created { get; init; }
    public int Updated { get; init; }
    public int Unchanged { get; init; }
    /// <summary>Of the unchanged, those whose rows were passed over unread, their fingerprints vouching for them.</summary>
    public int UnchangedUnread { get; init; }
    public int FlaggedMissing { get; init; }
    public int RejectedCount { get; init; }
    /// <summary>The first rejected rows (all of them are stored with the import run).</summary>
    public IReadOnlyList<RejectedRow> Rejected { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool Refused => Outcome == ImportOutcome.Refused;
    /// <summary>Failed on something in the file no rule foresaw (not the database): retrying it unchanged fails again.</summary>
    public bool Unreadable { get; init; }
    public bool Failed => Outcome == ImportOutcome.Failed;
}
