namespace ChaseBot.Core.Chasing;

/// <summary>One line of `plan`: what the chase would do to an invoice (or a case), and when its message would go out.</summary>
/// <param name="Invoice">The invoice, or for a case's rung the oldest overdue invoice it covers.</param>
/// <param name="Invoices">Every invoice the step covers: one for a reminder, all the case's for a rung.</param>
public sealed record PlanEntry(string Invoice, string Client, string? Step, string Kind, string Reason, DateTimeOffset? SendAt,
    IReadOnlyList<string> Invoices);

/// <summary>What one client's chase did, added up over the run.</summary>
internal record struct ClientChaseCounts(int Reminders, int Proposals, int Notes, int Skipped, int Held, int Conflicts)
{
    public static ClientChaseCounts operator +(ClientChaseCounts a, ClientChaseCounts b) => new(a.Reminders + b.Reminders,
        a.Proposals + b.Proposals, a.Notes + b.Notes, a.Skipped + b.Skipped, a.Held + b.Held, a.Conflicts + b.Conflicts);
}

public sealed record ChaseRunSummary(DateOnly Day, int Reminders, int Proposals, int Notes, int Skipped, int Held, int Thanks, int Conflicts,
    int Waiting = 0)
{
    public int Messages => Reminders + Proposals + Notes + Thanks;
}
