namespace ChaseBot.Core.Reports;

/// <summary>Section "Status": how much memory the Bot may give to answering statuses fast.</summary>
public sealed class StatusOptions
{
    public const string Section = "Status";

    /// <summary>
    /// MiB for the index of every client's outstanding invoices (<see cref="ClientStatusIndex"/>) that a busy Bot answers
    /// from. One index is at most half of it, since while the ledger moves the next is read beside the one in use. A
    /// ledger whose index would not fit is answered from the database (slower under a flood, never more memory); 0 never
    /// holds one. 64 MiB holds about 130,000 outstanding invoices.
    /// </summary>
    public int IndexMemoryBudget { get; set; } = 64;

    public long IndexBytes => (long)IndexMemoryBudget << 20;
}

public sealed class StatusOptionsCheck : OptionsCheck<StatusOptions>
{
    protected override IEnumerable<string> Failures(StatusOptions o)
    {
        if (o.IndexMemoryBudget is < 0 or > 4096)
            yield return "Status:IndexMemoryBudget must be between 0 and 4096 (MiB; 0 answers every status from the database)";
    }
}
