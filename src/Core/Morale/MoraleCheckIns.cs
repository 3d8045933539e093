using System.Globalization;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Morale;

/// <summary>
/// Private check-ins with the people doing the chasing: weekly for owners with overdue invoices, and right after
/// a dispute, a suspension or hand-off proposal, or a write-off. At most one per person per Morale:MinDaysBetween,
/// never for someone who said "morale off". Answers are stored privately and never shown in channels or digests.
/// </summary>
public sealed class MoraleCheckIns(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings chase, IOptions<MoraleOptions> options,
    TimeProvider clock)
{
    /// <summary>The answer buttons' action id; each button's value is <see cref="AnswerValue"/>.</summary>
    public const string AnswerAction = "morale.answer";

    /// <summary>What an answer button carries: the check-in and the answer ("42:ok"), read back by <see cref="TryReadAnswer"/>.</summary>
    public static string AnswerValue(long checkId, string answer) => string.Create(CultureInfo.InvariantCulture, $"{checkId}:{answer}");

    /// <summary>The check-in and the answer a button's value names; false for anything a button of ours would not send.</summary>
    public static bool TryReadAnswer(string? value, out long checkId, out string answer)
    {
        (checkId, answer) = (0, "");
        if (value?.Split(':') is not [var id, var said] || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out checkId))
            return false;
        answer = said;
        return true;
    }

    /// <summary>Said at start (and by run-once) while Chase:DefaultOwner is still the placeholder.</summary>
    public const string NoOwnerWarning =
        "No owner is set (Chase:DefaultOwner is the placeholder 'owner'): clients without an owner of their own get no " +
        "private check-ins or well-dones until one is. Set Chase:DefaultOwner to a chat user id, or per client: " +
        "/chase client <name> owner @someone";

    /// <summary>Asks everyone who is due a check-in. With <paramref name="includeWeekly"/> the weekly one counts too.</summary>
    public async Task<int> AskAsync(bool includeWeekly, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = chase.Calendar.Today(now);
        var since = now.UtcDateTime.AddDays(-options.Value.MinDaysBetween);

        var owned = await db.Invoices.Outstanding()
            .Where(i => i.DueDate < today)
            .Select(i => i.Client.OwnerUserId).ToListAsync(cancellationToken);
        var overdueByOwner = owned.GroupBy(o => o ?? chase.DefaultOwner).ToDictionary(g => g.Key, g => g.Count());

        var events = new List<(string Owner, string Trigger)>();
        events.AddRange((await db.Disputes.Where(d => d.OpenedAt > since).Select(d => d.Invoice.Client.OwnerUserId).ToListAsync(cancellationToken))
            .Select(o => (o ?? chase.DefaultOwner, MoraleTriggers.Dispute)));
        // Read as the case is now: a suspension still waiting is "proposed", one approved on a case still open "was
        // suspended"; one withdrawn, rejected or on a case since settled weighs on nobody and is not raised.
        // The rungs that weigh on the person chasing say so themselves (LadderStep.Weighs).
        var weighing = ChaseLadder.Defaults.Where(r => r.Weighs is not null).Select(r => r.Id).ToList();
        events.AddRange((await db.Proposals.Where(p => p.ProposedAt > since && weighing.Contains(p.Step) &&
                                                       (p.Status == ProposalStatus.Pending ||
                                                        (p.Status == ProposalStatus.Approved && (p.Case == null || p.Case.ClosedOn == null))))
                .Select(p => new { p.Step, p.Status, p.Invoice.Client.OwnerUserId }).ToListAsync(cancellationToken))
            .Select(p => (p.OwnerUserId ?? chase.DefaultOwner, ChaseLadder.Rung(p.Step)!.Weighs!(p.Status))));
        events.AddRange((await db.Invoices.Where(i => i.Status == InvoiceStatus.Void && i.UpdatedAt > since &&
                                                     db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Outcome != StepOutcome.Skipped))
                .Select(i => i.Client.OwnerUserId).ToListAsync(cancellationToken))
            .Select(o => (o ?? chase.DefaultOwner, MoraleTriggers.WriteOff)));
        if (includeWeekly)
            events.AddRange(overdueByOwner.Keys.Select(owner => (owner, MoraleTriggers.Weekly)));

        var optedOut = await db.ChatUsers.Where(u => u.MoraleOptOut).Select(u => u.UserId).ToListAsync(cancellationToken);
        var recentlyAsked = await db.MoraleChecks.Where(c => c.AskedAt > since).Select(c => c.UserId).Distinct().ToListAsync(cancellationToken);
        var asked = 0;
        foreach (var group in events.GroupBy(e => e.Owner))
        {
            if (optedOut.Contains(group.Key) || recentlyAsked.Contains(group.Key))
                continue;
            // The placeholder owner is nobody: its check-ins wait, unrecorded, until a real owner is set.
            if (group.Key == chase.DefaultOwner && !chase.OwnerKnown(null))
                continue;
            var trigger = group.MaxBy(e => MoraleTriggers.Weight(e.Trigger)).Trigger;
            var check = new MoraleCheck { UserId = group.Key, Trigger = trigger, AskedAt = now.UtcDateTime };
            db.MoraleChecks.Add(check);
            await db.SaveChangesAsync(cancellationToken);
            OutboxQueue.Add(db, OutboxKey.Morale(check.Id), OutboxKinds.Morale, group.Key, new ChatMessage
            {
                Title = "How are you holding up?",
                Lines =
                [
                    MoraleTriggers.Opening(trigger, overdueByOwner.GetValueOrDefault(group.Key)),
                    "Just for you: nobody else sees this or your answer.",
                ],
                Actions = MoraleReplies.Answers.Select(a => new ChatAction(AnswerAction, Label(a), AnswerValue(check.Id, a))).ToList(),
            }, now.UtcDateTime, chase.Calendar.NextAllowed(now).UtcDateTime, Audience.Direct);
            await db.SaveChangesAsync(cancellationToken);
            asked++;
        }
        return asked;
    }

    /// <summary>
    /// Stores the answer privately and returns the reply. With <paramref name="postReply"/> the reply is also queued as a
    /// private message; a platform that shows it by updating the prompt in place (Slack, Teams) passes false.
    /// </summary>
    public async Task<string> AnswerAsync(long checkId, string userId, string answer, CancellationToken cancellationToken = default,
        bool postReply = true)
    {
        if (!MoraleReplies.Answers.Contains(answer))
            return $"Answer with one of: {string.Join(", ", MoraleReplies.Answers)}.";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var check = await db.MoraleChecks.SingleOrDefaultAsync(c => c.Id == checkId, cancellationToken);
        if (check is null || check.UserId != userId)
            return "That check-in isn't yours to answer."; // Same words for both: no hint whose it is.
        if (check.Answer is not null)
            return "You already answered this one. Thank you.";
        var now = clock.GetUtcNow();
        (check.Answer, check.AnsweredAt) = (answer, now.UtcDateTime);
        var reply = MoraleReplies.For(answer, check.Trigger, options.Value.WorkingAlone);
        if (postReply)
            OutboxQueue.Add(db, OutboxKey.MoraleReply(check.Id), OutboxKinds.MoraleReply, userId,
                new ChatMessage { Title = "Thanks for telling me", Lines = reply.Split('\n') }, now.UtcDateTime, now.UtcDateTime, Audience.Direct);
        await db.SaveChangesAsync(cancellationToken);
        return reply;
    }

    /// <summary>morale on|off.</summary>
    public async Task SetOptOutAsync(string userId, bool optOut, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.ChatUsers.FindAsync([userId], cancellationToken);
        if (user is null)
            db.ChatUsers.Add(user = new ChatUser { UserId = userId });
        (user.MoraleOptOut, user.UpdatedAt) = (optOut, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Label(string answer) => answer switch
    {
        MoraleReplies.Steady => "Steady",
        MoraleReplies.Stretched => "Stretched",
        _ => "Rough, honestly",
    };
}
