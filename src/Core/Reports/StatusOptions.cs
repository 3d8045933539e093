namespace ChaseBot.Core.Reports;

/// <summary>Section "Status": how much memory the Bot may give to answering statuses fast, and how long the Home waits.</summary>
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

    /// <summary>
    /// How long a Home tab opened just after the ledger changed waits for its totals and figures to be read again (about
    /// a second at 1,000,000 invoices) before it shows the ones from before, saying when they were true, and is shown
    /// again with the new ones once read. 0 never waits.
    /// </summary>
    public TimeSpan HomePatience { get; set; } = FiguresCache.DefaultPatience;
}

public sealed class StatusOptionsCheck : OptionsCheck<StatusOptions>
{
    protected override IEnumerable<string> Failures(StatusOptions o)
    {
        if (o.IndexMemoryBudget is < 0 or > 4096)
            yield return "Status:IndexMemoryBudget must be between 0 and 4096 (MiB; 0 answers every status from the database)";
        if (o.HomePatience < TimeSpan.Zero || o.HomePatience > TimeSpan.FromSeconds(10))
            yield return "Status:HomePatience must be between 00:00:00 and 00:00:10";
    }
}
