using System.Globalization;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// Whether a waiting proposal still stands, judged on the ledger as it is now: a client text about an invoice that was
/// paid, disputed, promised, snoozed or paused since is not sent. Checked at the click, and when one of those is logged.
/// </summary>
public static class ProposalWithdrawal
{
    /// <summary>Why a proposal for <paramref name="invoice"/> no longer stands; null when it does. Needs its client, payments, disputes and promises.</summary>
    public static string? Reason(Invoice invoice, DateOnly today)
    {
        string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        if (invoice.Status == InvoiceStatus.Paid)
            return $"{invoice.Number} was paid in full" +
                   (invoice.Payments.Count > 0 ? $" on {Day(invoice.Payments.Max(p => p.PaidOn))}" : "");
        if (!invoice.Status.IsOutstanding())
            return $"{invoice.Number} is {invoice.Status.ToWire()}";
        if (invoice.Disputes.FirstOrDefault(d => d.ResolvedAt is null) is { } dispute)
            return $"{invoice.Number} is disputed ({dispute.Reason})";
        if (invoice.Promises.Where(p => p.Kept is null && p.PromisedFor >= today).MaxBy(p => p.RecordedAt) is { } promise)
            return $"{invoice.Client.Name} promised to pay {invoice.Number} by {Day(promise.PromisedFor)}";
        if (invoice.SnoozedUntil is { } snoozed && snoozed > today)
            return $"{invoice.Number} is snoozed until {Day(snoozed)}";
        if (invoice.Client.IsPaused && (invoice.Client.PausedUntil is null || invoice.Client.PausedUntil > today))
            return $"chasing {invoice.Client.Name} is paused" +
                   (invoice.Client.PausedUntil is { } until ? $" until {Day(until)}" : "");
        return null;
    }

    /// <summary>Waiting proposals, with what is needed to judge each of the invoices they cover.</summary>
    internal static IQueryable<Proposal> Judged(ChaseDbContext db) => db.Proposals
        .Include(p => p.Invoice).ThenInclude(i => i.Client)
        .Include(p => p.Invoice).ThenInclude(i => i.Payments)
        .Include(p => p.Invoice).ThenInclude(i => i.Disputes)
        .Include(p => p.Invoice).ThenInclude(i => i.Promises)
        .Include(p => p.Covers).ThenInclude(c => c.Invoice).ThenInclude(i => i.Client)
        .Include(p => p.Covers).ThenInclude(c => c.Invoice).ThenInclude(i => i.Payments)
        .Include(p => p.Covers).ThenInclude(c => c.Invoice).ThenInclude(i => i.Disputes)
        .Include(p => p.Covers).ThenInclude(c => c.Invoice).ThenInclude(i => i.Promises)
        .AsSplitQuery();

    /// <summary>
    /// Why a proposal no longer stands: the first of the invoices it covers that was settled or put on hold since
    /// (<paramref name="first"/> first, when given). Restoring access is about paid invoices, so it always stands.
    /// </summary>
    public static string? Reason(Proposal proposal, DateOnly today, IReadOnlyCollection<long>? first = null)
    {
        if (proposal.Step == ChaseLadder.RestoreAccess)
            return null;
        var covered = proposal.Covers.Count > 0 ? proposal.Covers.Select(c => c.Invoice).ToList() : [proposal.Invoice];
        return covered.OrderBy(i => first?.Contains(i.Id) == true ? 0 : 1).ThenBy(i => i.DueDate)
            .Select(i => Reason(i, today)).FirstOrDefault(r => r is not null);
    }

    /// <summary>
    /// Withdraws the waiting proposals covering these invoices that no longer stand (saved with the caller's changes),
    /// with an audit entry each; returns what was withdrawn, in words.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WithdrawAsync(ChaseDbContext db, ChaseLadder ladder, IReadOnlyCollection<long> invoiceIds,
        DateOnly today, DateTime now, string actor, CancellationToken cancellationToken)
    {
        var waiting = await Judged(db).Where(p => p.Status == ProposalStatus.Pending &&
                (invoiceIds.Contains(p.InvoiceId) || p.Covers.Any(c => invoiceIds.Contains(c.InvoiceId))))
            .ToListAsync(cancellationToken);
        var withdrawn = new List<string>();
        foreach (var proposal in waiting)
            if (Reason(proposal, today, invoiceIds) is { } why)
                withdrawn.Add(await WithdrawAsync(db, ladder, proposal, why, now, actor, cancellationToken));
        return withdrawn;
    }

    /// <summary>Before a run decides: every waiting proposal whose invoices changed since is withdrawn, to be put again fresh.</summary>
    public static async Task<int> WithdrawStaleAsync(ChaseDbContext db, ChaseLadder ladder, DateOnly today, DateTime now,
        CancellationToken cancellationToken)
    {
        var waiting = await Judged(db).Where(p => p.Status == ProposalStatus.Pending).ToListAsync(cancellationToken);
        var count = 0;
        foreach (var proposal in waiting)
            if (Reason(proposal, today) is { } why)
            {
                await WithdrawAsync(db, ladder, proposal, why, now, "chase", cancellationToken);
                count++;
            }
        return count;
    }

    /// <summary>Marks one proposal withdrawn, audits it and settles its held card; returns the sentence that says so.</summary>
    public static async Task<string> WithdrawAsync(ChaseDbContext db, ChaseLadder ladder, Proposal proposal, string why, DateTime now,
        string actor, CancellationToken cancellationToken, bool updatePosted = true)
    {
        proposal.Status = ProposalStatus.Withdrawn;
        proposal.Reason = why;
        db.AuditEntries.Add(new AuditEntry
        {
            At = now, Actor = actor, Action = AuditActions.ProposalWithdrawn, Subject = proposal.Invoice.Client.Name, Details = $"{proposal.Step}: {why}",
        });
        var title = ladder.Find(proposal.Step)?.Title ?? proposal.Step;
        var about = proposal.CaseId is null ? proposal.Invoice.Number : proposal.Invoice.Client.Name;
        var said = $"Withdrawn: the {title} for {about} (proposal {proposal.Id}), because {why}. Nothing was sent.";
        await HeldProposalCards.SettleAsync(db, proposal.Id, said, now, cancellationToken, updatePosted);
        return said;
    }
}
