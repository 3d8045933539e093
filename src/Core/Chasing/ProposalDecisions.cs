using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

public enum Verdict
{
    Approve,
    Snooze,
    Reject,
}

public sealed record DecisionResult(bool Accepted, string Message, ProposalStatus? Status = null);

/// <summary>
/// A human's decision on a proposal. Default-deny: only configured approvers may decide, only a waiting proposal can
/// be decided, and nothing escalates until someone approves. Slack buttons, Teams cards and the command line all
/// come through here.
/// </summary>
public sealed class ProposalDecisions(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, TimeProvider clock)
{
    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<DecisionResult> DecideAsync(long proposalId, string userId, Verdict verdict, string? reason = null,
        int snoozeDays = 7, CancellationToken cancellationToken = default)
    {
        if (!settings.Approvers.Contains(userId))
            return new(false, settings.Approvers.Count == 0
                ? "Nobody may decide proposals yet: add approvers' chat user ids to Chase:Approvers."
                : $"{userId} is not an approver. Approvers are set in Chase:Approvers.");
        if (verdict == Verdict.Snooze && snoozeDays is < 1 or > 90)
            return new(false, "Snooze for 1 to 90 days.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var proposal = await db.Proposals.Include(p => p.Invoice).ThenInclude(i => i.Client)
            .Include(p => p.Invoice).ThenInclude(i => i.Payments)
            .Include(p => p.Invoice).ThenInclude(i => i.Disputes)
            .Include(p => p.Invoice).ThenInclude(i => i.Promises)
            .SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is null)
            return new(false, $"There is no proposal {proposalId}.");
        if (proposal.Status == ProposalStatus.Withdrawn)
            return new(false, $"Proposal {proposalId} was withdrawn, because {proposal.Reason}. Nothing was sent.", proposal.Status);
        if (proposal.Status != ProposalStatus.Pending)
            return new(false, $"Proposal {proposalId} was already {proposal.Status.ToString().ToLowerInvariant()}" +
                              (proposal.DecidedBy is null ? "." : $" by {proposal.DecidedBy}."), proposal.Status);
        var step = settings.Ladder.Find(proposal.Step);

        var now = clock.GetUtcNow();
        var today = settings.Calendar.Today(now);
        // Approval is judged on the ledger as it is at the click, not as it was when the proposal was made.
        if (verdict == Verdict.Approve && ProposalWithdrawal.Reason(proposal.Invoice, today) is { } gone)
        {
            var said = await ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, proposal, gone, now.UtcDateTime, userId, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new(false, said, ProposalStatus.Withdrawn);
        }
        (proposal.DecidedBy, proposal.DecidedAt, proposal.DecidedOn, proposal.Reason) = (userId, now.UtcDateTime, today, reason);
        proposal.Status = verdict switch
        {
            Verdict.Approve => ProposalStatus.Approved,
            Verdict.Snooze => ProposalStatus.Snoozed,
            _ => ProposalStatus.Rejected,
        };
        if (verdict == Verdict.Snooze)
            proposal.SnoozedUntil = today.AddDays(snoozeDays);

        var invoice = proposal.Invoice;
        var client = invoice.Client;
        var view = ClientView.From(client, settings);
        if (verdict == Verdict.Approve && step is not null)
        {
            // Approved: the invoice advances and the artifact is posted for sending.
            var others = await db.Invoices.AsNoTracking()
                .Where(i => i.ClientId == client.Id && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
                .OrderBy(i => i.DueDate).ToListAsync(cancellationToken);
            var views = others.Select(i => InvoiceView.From(i, today)).ToList();
            var invoiceView = views.FirstOrDefault(v => v.Id == invoice.Id) ?? InvoiceView.From(invoice, today);
            var artifact = EscalationArtifacts.For(step.Id, view, invoiceView, views, today, settings.Ladder, settings.SenderName);
            ChaseRunner.Enqueue(db, $"approved:{proposal.Id}", "artifact", view.Channel,
                ChaseMessages.Approved(view, invoiceView, step, userId, artifact), now.UtcDateTime, settings.Calendar.NextAllowed(now).UtcDateTime);
        }
        var decided = verdict switch
        {
            Verdict.Approve => $"Approved by {userId} on {Day(today)}.",
            Verdict.Snooze => $"Snoozed by {userId} until {Day(proposal.SnoozedUntil!.Value)}.",
            _ => $"Rejected by {userId} on {Day(today)}" + (reason is null ? "." : $": {reason}"),
        };
        await HeldProposalCards.SettleAsync(db, proposal.Id, decided, cancellationToken);
        db.AuditEntries.Add(new AuditEntry
        {
            At = now.UtcDateTime, Actor = userId, Action = $"proposal.{proposal.Status.ToString().ToLowerInvariant()}",
            Subject = invoice.Number, Details = $"{proposal.Step}" + (reason is null ? "" : $": {reason}") +
                                                (proposal.SnoozedUntil is { } until ? $" until {until:yyyy-MM-dd}" : ""),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(false, $"Proposal {proposalId} was decided by someone else a moment ago.");
        }

        var title = step?.Title ?? proposal.Step;
        return new(true, verdict switch
        {
            Verdict.Approve => $"Approved: {title} for {invoice.Number}. The text to send is queued for the channel (held until working hours if it is outside them).",
            Verdict.Snooze => $"Snoozed: {title} for {invoice.Number} comes back on {proposal.SnoozedUntil:yyyy-MM-dd}.",
            _ => $"Rejected: {title} for {invoice.Number}. That step is closed; the ladder moves on when the next step's day comes.",
        }, proposal.Status);
    }
}
