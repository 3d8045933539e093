
namespace ChaseBot.Core.Chasing;

/// <summary>How many new proposals a run may open (Chase:MaxNewProposalsPerRun), the most overdue first; the rest wait their turn.</summary>
public sealed partial class ChaseRunner
{
    /// <summary>
    /// Catch-up without a flood: of the cases that would get a new proposal today, the Chase:MaxNewProposalsPerRun with the
    /// most overdue (then the oldest) get one; the rest wait for a later run. Proposals brought back are not counted.
    /// </summary>
    private async Task<(HashSet<(long Client, string Currency)> Admitted, int Waiting)> AdmitNewProposalsAsync(DateOnly today,
        CancellationToken cancellationToken)
    {
        var candidates = new List<NewProposal>();
        await foreach (var chase in ChasesAsync(today, cancellationToken))
            foreach (var c in chase.Cases)
                if (NewProposal.Of(chase, c, CasePolicy.Decide(c.Situation, today, settings.Ladder, settings.MinDaysBetweenSteps, settings.GraceDays, settings.MinContactDaysBeforeFinal))
                    is { } candidate)
                    candidates.Add(candidate);
        var admitted = Admit(candidates);
        return (admitted, candidates.Count - admitted.Count);
    }

    /// <summary>A case that would get a new proposal today, with what ranks it for admission.</summary>
    private sealed record NewProposal(long Client, string Currency, decimal Overdue, DateOnly Oldest)
    {
        public (long Client, string Currency) Key => (Client, Currency);

        public static NewProposal? Of(ClientChase chase, ChasedCase c, CaseDecisions decided) =>
            decided.Proposal?.Kind == DecisionKind.Proposal
                ? new(chase.Client.Id, c.Currency, c.Invoices.Where(i => decided.Covered.Any(d => d.InvoiceId == i.View.Id)).Sum(i => i.View.AmountDue),
                    decided.Covered.Min(i => i.DueDate))
                : null;
    }

    /// <summary>The most overdue (then the oldest) Chase:MaxNewProposalsPerRun candidates.</summary>
    private HashSet<(long Client, string Currency)> Admit(IEnumerable<NewProposal> candidates) =>
        candidates.OrderByDescending(c => c.Overdue).ThenBy(c => c.Oldest).ThenBy(c => c.Client)
            .Take(settings.MaxNewProposalsPerRun).Select(c => c.Key).ToHashSet();
}
