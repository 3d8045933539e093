using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Text;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Conversations;

/// <summary>
/// A proposal's card as it stands now: the content it was posted with, then either its buttons (still waiting) or who
/// decided what and when instead of them.
/// </summary>
/// <param name="Note">Under the content: the decision, or why this click changed nothing.</param>
/// <param name="Waiting">Still waiting for a decision, so the buttons are shown.</param>
public sealed record ProposalCard(ChatMessage Content, string? Note, NoteTone Tone, bool Waiting);

public sealed partial class ChatDispatcher
{
    /// <summary>
    /// The card for whoever asks (the clicker, or any viewer refreshing), for platforms that redraw a whole card rather
    /// than edit the clicked one. A refusal is added without changing state.
    /// </summary>
    public async Task<ProposalCard> ProposalCardAsync(long proposalId, string? refusal, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The message the card was made from, kept in the outbox, so the redrawn card shows the same content.
        var body = await db.Outbox.Where(m => m.Key.StartsWith(OutboxKey.ProposalCards(proposalId))).OrderByDescending(m => m.Id)
            .Select(m => m.Body).FirstOrDefaultAsync(cancellationToken);
        var original = body is null ? new ChatMessage { Title = "Escalation proposal" } : ChatMessage.FromJson(body);
        var proposal = await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is null)
            return new ProposalCard(new ChatMessage { Title = "This proposal no longer exists." }, null, NoteTone.Plain, Waiting: true);
        if (proposal.Status == ProposalStatus.Pending)
            return new ProposalCard(original, refusal, NoteTone.Attention, Waiting: true);
        var decided = proposal.Status == ProposalStatus.Withdrawn
            ? $"Withdrawn, because {proposal.Reason}. Nothing was sent."
            : proposal.Status switch
            {
                ProposalStatus.Approved => "Approved",
                ProposalStatus.Rejected => "Rejected",
                _ => $"Snoozed until {proposal.SnoozedUntil:d MMM}",
            } + $" by {await ChatPeople.NameAsync(db, proposal.DecidedBy, cancellationToken)} at " +
              (proposal.DecidedAt is { } at ? ZoneTime.ClockAndDay(new DateTimeOffset(at, TimeSpan.Zero), settings.Calendar.Zone) : "an unknown time") +
              (proposal.Reason is { } why ? $": {why}" : "");
        // The actions stay in the content: a card's refresh reads the proposal from them (Waiting: false hides the buttons).
        var settled = ChaseMessages.Settled(original) with { Actions = original.Actions };
        var tone = refusal is not null ? NoteTone.Attention
            : proposal.Status switch { ProposalStatus.Approved => NoteTone.Good, ProposalStatus.Withdrawn => NoteTone.Warning, _ => NoteTone.Plain };
        return new ProposalCard(settled, refusal is null ? decided : $"{decided} ({refusal})", tone, Waiting: false);
    }
}
