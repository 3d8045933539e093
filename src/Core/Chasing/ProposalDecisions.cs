using ChaseBot.Core.Commands;
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
    /// <summary>A formal late notice that would be first contact: send the reminder text now, and bring the notice back later.</summary>
    RemindFirst,
}

public sealed record DecisionResult(bool Accepted, string Message, ProposalStatus? Status = null);

/// <summary>
/// A human's decision on a proposal. Default-deny: only configured approvers may decide, only a waiting proposal can
/// be decided, and nothing escalates until someone approves. Slack buttons, Teams cards and the command line all
/// come through here.
/// </summary>
public sealed class ProposalDecisions(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<Email.EmailOptions>? email = null, LatePayment.LateCharges? lateCharges = null)
{
    private readonly Email.EmailOptions _email = email?.Value ?? new();
    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <param name="onItsCard">The decision is a click on the proposal's own card, whose answer rewrites that card.</param>
    /// <param name="displayName">The name the platform sent with the click, remembered so texts name the person.</param>
    /// <param name="by">Who decides: an approver when their id as the platform knows it is in Chase:Approvers.</param>
    public async Task<DecisionResult> DecideAsync(long proposalId, Actor by, Verdict verdict, string? reason = null,
        int snoozeDays = 7, CancellationToken cancellationToken = default, bool onItsCard = false, string? displayName = null)
    {
        var userId = by.UserId;
        if (!settings.Approvers.Contains(userId))
            return new(false, settings.Approvers.Count == 0
                ? "Nobody may decide proposals yet: add approvers' chat user ids to Chase:Approvers."
                : $"{userId} is not an approver. Approvers are set in Chase:Approvers.");
        if (verdict == Verdict.Snooze && snoozeDays is < 1 or > 90)
            return new(false, "Snooze for 1 to 90 days.");
        if (verdict == Verdict.RemindFirst)
            return await RemindFirstAsync(proposalId, by, displayName, onItsCard, cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var proposal = await ProposalWithdrawal.Judged(db).Include(p => p.Case).SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is null)
            return new(false, $"There is no proposal {proposalId}.");
        await ChatPeople.RememberAsync(db, userId, displayName, clock.GetUtcNow().UtcDateTime, cancellationToken);
        var who = displayName?.Trim() is { Length: > 0 } given ? given : await ChatPeople.NameAsync(db, userId, cancellationToken);
        if (proposal.Status == ProposalStatus.Withdrawn)
            return new(false, $"Proposal {proposalId} was withdrawn, because {proposal.Reason}. Nothing was sent.", proposal.Status);
        if (proposal.Status != ProposalStatus.Pending)
            return new(false, $"Proposal {proposalId} was already {proposal.Status.ToString().ToLowerInvariant()}" +
                              (proposal.DecidedBy is null ? "." : $" by {await ChatPeople.NameAsync(db, proposal.DecidedBy, cancellationToken)}."), proposal.Status);
        var step = settings.Ladder.Find(proposal.Step);

        var now = clock.GetUtcNow();
        var today = settings.Calendar.Today(now);
        // Approval is judged on the ledger as it is at the click, not as it was when the proposal was made.
        if (verdict == Verdict.Approve && ProposalWithdrawal.Reason(proposal, today) is { } gone)
        {
            var said = await ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, proposal, gone, now.UtcDateTime, by, cancellationToken,
                updatePosted: !onItsCard);
            await db.SaveChangesAsync(cancellationToken);
            return new(false, said, ProposalStatus.Withdrawn);
        }
        (proposal.DecidedBy, proposal.DecidedAt, proposal.DecidedOn, proposal.Reason) = (by, now.UtcDateTime, today, reason);
        proposal.Status = verdict switch
        {
            Verdict.Approve => ProposalStatus.Approved,
            Verdict.Snooze => ProposalStatus.Snoozed,
            _ => ProposalStatus.Rejected,
        };
        if (verdict == Verdict.Snooze)
            proposal.SnoozedUntil = today.AddDays(snoozeDays);

        var client = ClientView.From(proposal.Invoice.Client, settings);
        string? approvedText = null;
        if (verdict == Verdict.Approve && step is not null)
        {
            // Approved: the text is written again with the case as it is today (amounts paid since, invoices overdue
            // since), and posted for sending.
            var view = await TodaysCaseAsync(db, proposal, client, today, cancellationToken);
            var artifact = EscalationArtifacts.For(step.Id, view, today, settings.Ladder, settings.SenderName, settings.GraceDays);
            var approved = ChaseMessages.Approved(view, step, who, artifact, EscalationArtifacts.PayBy(step.Id, view, today, settings.Ladder));
            approvedText = artifact;
            var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
            // Email:SendNotices: the client's part of the approved text goes by email exactly as approved.
            var notice = _email is { Enabled: true, SendNotices: true } ? Email.EmailAddresses.ClientEmailIn(artifact) : null;
            var to = notice is null ? null : Email.EmailAddresses.Valid(client.BillingEmail);
            if (to is not null)
                approved = ChaseMessages.ToBeEmailed(approved, to, client.CcAddresses, "the notice");
            else if (approved.Draft is not null)
                approved = ChaseMessages.ToSendByHand(approved, OutboxKey.Approved(proposal.Id));
            OutboxQueue.Add(db, OutboxKey.Approved(proposal.Id), OutboxKinds.Artifact, client.Channel, approved, now.UtcDateTime, notBefore);
            if (to is not null && notice is var (subject, body))
                OutboxQueue.Add(db, OutboxKey.EmailOf(OutboxKey.Approved(proposal.Id)), OutboxKinds.Email, ChatTarget.Email(to), new ChatMessage
                {
                    Title = client.Name, Email = new EmailDraft(to, client.CcAddresses, subject, body), FailuresTo = client.Channel, Draft = approved.Draft,
                }, now.UtcDateTime, client.NextAllowedForClient(settings.Calendar, now).UtcDateTime);
        }
        var decided = verdict switch
        {
            Verdict.Approve => $"Approved by {who} on {Day(today)}.",
            Verdict.Snooze => $"Snoozed by {who} until {Day(proposal.SnoozedUntil!.Value)}.",
            _ => $"Rejected by {who} on {Day(today)}" + (reason is null ? "." : $": {reason}"),
        };
        await HeldProposalCards.SettleAsync(db, proposal.Id, decided, now.UtcDateTime, cancellationToken, updatePosted: !onItsCard, approvedText);
        db.AuditEntries.Add(new AuditEntry
        {
            At = now.UtcDateTime, Actor = by, Action = AuditActions.Proposal(proposal.Status),
            Subject = client.Name, Details = $"{proposal.Step}" + (reason is null ? "" : $": {reason}") +
                                                (proposal.SnoozedUntil is { } until ? $" until {until:yyyy-MM-dd}" : ""),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || UniqueViolation.Is(e))
        {
            // The status changed under us, or the other decision's messages (its approved text, its card's rewrite)
            // were written first: either way someone else decided it, and this one changes nothing.
            return new(false, $"Proposal {proposalId} was decided by someone else a moment ago.");
        }

        var title = step?.Title ?? proposal.Step;
        return new(true, verdict switch
        {
            Verdict.Approve => $"Approved: {title} for {client.Name}. The text to send is queued for the channel (held until working hours if it is outside them).",
            Verdict.Snooze => $"Snoozed: {title} for {client.Name} comes back on {Day(proposal.SnoozedUntil!.Value)}.",
            _ => $"Rejected: {title} for {client.Name}. That step is closed; the case moves on when the next step's day comes.",
        }, proposal.Status);
    }

    /// <summary>The decider's reason a "Remind first" records: its snooze comes back worded for it.</summary>
    public const string RemindedFirst = "a reminder went first";

    /// <summary>
    /// "Remind first", on a formal late notice that would be the client's first message from us: the reminder text for
    /// the case's overdue invoices goes now (emailed, or a draft to send by hand), and the notice is snoozed until the
    /// day after the reminder's "pay by" date and the grace days, at least 7 days away. The notice is never sent.
    /// </summary>
    private async Task<DecisionResult> RemindFirstAsync(long proposalId, Actor by, string? displayName, bool onItsCard,
        CancellationToken cancellationToken)
    {
        var userId = by.UserId;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var proposal = await ProposalWithdrawal.Judged(db).Include(p => p.Case).SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is null)
            return new(false, $"There is no proposal {proposalId}.");
        if (proposal.Status != ProposalStatus.Pending)
            return new(false, $"Proposal {proposalId} was already {proposal.Status.ToString().ToLowerInvariant()}.", proposal.Status);
        if (proposal.Step != ChaseLadder.LateNotice)
            return new(false, $"Remind first is for a formal late notice; proposal {proposalId} is the {settings.Ladder.Find(proposal.Step)?.Title ?? proposal.Step}.");
        await ChatPeople.RememberAsync(db, userId, displayName, clock.GetUtcNow().UtcDateTime, cancellationToken);
        var who = displayName?.Trim() is { Length: > 0 } given ? given : await ChatPeople.NameAsync(db, userId, cancellationToken);
        var now = clock.GetUtcNow();
        var today = settings.Calendar.Today(now);
        if (ProposalWithdrawal.Reason(proposal, today) is { } gone)
        {
            var said = await ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, proposal, gone, now.UtcDateTime, by, cancellationToken,
                updatePosted: !onItsCard);
            await db.SaveChangesAsync(cancellationToken);
            return new(false, said, ProposalStatus.Withdrawn);
        }
        var client = ClientView.From(proposal.Invoice.Client, settings);
        var view = await TodaysCaseAsync(db, proposal, client, today, cancellationToken);
        var reminder = settings.Ladder.Find(ChaseLadder.Reminder2)!;
        var ahead = view.History.PayByAhead(today);
        var payBy = EmailDrafts.PayBy(reminder.Id, today, ahead)!.Value;
        var text = ChaseMessages.Reminders(client, view.Overdue.Select(i => new DueReminder(i, reminder, RemindedFirst, false)).ToList(),
            today, settings.SenderName, ahead);
        ReminderDelivery.Queue(db, OutboxKey.Reminders(client.Id, today, view.Overdue.Select(i => $"{i.Id}-{reminder.Id}")), client, text,
            settings, _email, now);
        var back = EscalationArtifacts.ConsequenceFrom(payBy, settings.GraceDays);
        if (back < today.AddDays(7))
            back = today.AddDays(7);
        (proposal.Status, proposal.SnoozedUntil, proposal.Reason) = (ProposalStatus.Snoozed, back, RemindedFirst);
        (proposal.DecidedBy, proposal.DecidedAt, proposal.DecidedOn) = (by, now.UtcDateTime, today);
        await HeldProposalCards.SettleAsync(db, proposal.Id,
            $"{who} chose to remind first on {Day(today)}: the reminder asks for payment by {Day(payBy)}, and this notice comes back on {Day(back)} if it is still unpaid.",
            now.UtcDateTime, cancellationToken, updatePosted: !onItsCard);
        db.AuditEntries.Add(new AuditEntry
        {
            At = now.UtcDateTime, Actor = by, Action = AuditActions.ProposalRemindFirst, Subject = client.Name,
            Details = $"{proposal.Step} until {back:yyyy-MM-dd}",
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || UniqueViolation.Is(e))
        {
            return new(false, $"Proposal {proposalId} was decided by someone else a moment ago.");
        }
        return new(true, $"Reminder first: the reminder to {client.Name} is queued for the channel; the formal late notice comes back on {Day(back)} if it is still unpaid.",
            ProposalStatus.Snoozed);
    }

    /// <summary>
    /// `preview`: the email a proposal would send if approved now, sent to the person asking instead of the client
    /// (to <paramref name="to"/>, or Email:ReplyTo), for a look in a real mail client first. Changes nothing else.
    /// </summary>
    public async Task<DecisionResult> PreviewAsync(long proposalId, string? to, CancellationToken cancellationToken = default)
    {
        if (!_email.Enabled)
            return new(false, "Email is not set up (Email:Host), so there is nothing to preview by email; the text is on the proposal's card.");
        var address = to is null ? _email.ReplyTo : Email.EmailAddresses.Valid(to);
        if (address is null)
            return new(false, to is null
                ? "Say where to send the preview: preview <proposal> to you@example.com (or set Email:ReplyTo)."
                : $"\"{to}\" is not one email address.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var proposal = await ProposalWithdrawal.Judged(db).Include(p => p.Case).AsNoTracking().SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is null)
            return new(false, $"There is no proposal {proposalId}.");
        var step = settings.Ladder.Find(proposal.Step);
        var now = clock.GetUtcNow();
        var today = settings.Calendar.Today(now);
        var client = ClientView.From(proposal.Invoice.Client, settings);
        var view = await TodaysCaseAsync(db, proposal, client, today, cancellationToken);
        if (step is null || Email.EmailAddresses.ClientEmailIn(EscalationArtifacts.For(step.Id, view, today, settings.Ladder, settings.SenderName, settings.GraceDays)) is not var (subject, body))
            return new(false, $"The {step?.Title ?? proposal.Step} is a plan for you, not an email to the client: there is nothing to preview.");
        // Each request is its own message: asking twice sends twice.
        OutboxQueue.Add(db, OutboxKey.Preview(proposal.Id), OutboxKinds.Email, ChatTarget.Email(address), new ChatMessage
        {
            Title = client.Name, Email = new EmailDraft(address, null, $"[Preview] {subject}", body),
        }, now.UtcDateTime, now.UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return new(true, $"The {step.Title} for {client.Name}, as it would go if approved now, is on its way to {address}. Nothing was sent to the client.");
    }

    /// <summary>
    /// The case as it stands at the click: its overdue invoices that are not on hold, with today's amounts (the proposal
    /// then covers exactly those). Restoring access is about what was paid, so its view is the invoices it covers.
    /// </summary>
    private async Task<CaseView> TodaysCaseAsync(ChaseDbContext db, Proposal proposal, ClientView client, DateOnly today,
        CancellationToken cancellationToken)
    {
        var view = await CoveredTodayAsync(db, proposal, client, today, cancellationToken);
        // The charges a final notice offers are worked out to the day it is approved, as it then goes.
        return lateCharges is not null && settings.Ladder.Find(proposal.Step) is { } step
            ? await lateCharges.AttachAsync(db, view, step, settings.Ladder, today, cancellationToken)
            : view;
    }

    private async Task<CaseView> CoveredTodayAsync(ChaseDbContext db, Proposal proposal, ClientView client, DateOnly today,
        CancellationToken cancellationToken)
    {
        var currency = proposal.Case?.Currency ?? proposal.Invoice.Currency;
        var chase = (await ChaseSituations.LoadAsync(db, [client.Id], today, settings, cancellationToken)).SingleOrDefault();
        var chased = chase?.Cases.SingleOrDefault(c => c.Currency == currency);
        var covered = proposal.Covers.Select(c => c.Invoice).DefaultIfEmpty(proposal.Invoice).ToList();
        if (proposal.Step == ChaseLadder.RestoreAccess || chased is null)
        {
            var history = chased?.History ?? await CaseClosures.HistoryAsync(db, proposal.CaseId, cancellationToken);
            return new CaseView(client, currency, covered.Select(i => InvoiceView.From(i, today)).ToList(), [], history);
        }
        var now = CasePolicy.Chaseable(chased.Situation.Invoices, today).Select(i => i.InvoiceId).ToHashSet();
        proposal.Covers.RemoveAll(c => !now.Contains(c.InvoiceId));
        foreach (var id in now.Where(id => proposal.Covers.All(c => c.InvoiceId != id)))
            proposal.Covers.Add(new ProposalInvoice { ProposalId = proposal.Id, InvoiceId = id });
        return CaseView.From(client, chased, now);
    }
}
