using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// A proposal's cards once it is decided or withdrawn: one still waiting in the outbox (held for quiet hours or the
/// weekend) goes out as a record of what happened, without buttons, never as a live proposal; one already posted is
/// rewritten in place the same way (Slack chat.update, a Teams activity update), so nobody clicks a stale button.
/// </summary>
public static class HeldProposalCards
{
    /// <summary>Rewrites the proposal's live cards (saved with the caller's changes); returns how many.</summary>
    /// <param name="updatePosted">False when the decision came from a click on the posted card, which the click's answer rewrites.</param>
    /// <param name="approvedText">The text as approved (today's figures and dates): a card that shows another is rewritten to show it,
    /// even one whose click answers for itself, so the card never keeps a date the client was not given.</param>
    public static async Task<int> SettleAsync(ChaseDbContext db, long proposalId, string outcome, DateTime now, CancellationToken cancellationToken,
        bool updatePosted = true, string? approvedText = null)
    {
        var prefix = OutboxKey.ProposalCards(proposalId);
        var settledPrefix = OutboxKey.SettledPrefix(prefix);
        var cards = await db.Outbox.Where(m => m.Key.StartsWith(prefix) && m.DeadLetteredAt == null).ToListAsync(cancellationToken);
        var updated = (await db.Outbox.Where(m => m.Key.StartsWith(settledPrefix)).Select(m => m.Key).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var settled = 0;
        foreach (var card in cards)
        {
            var textChanged = approvedText is not null && ChatMessage.FromJson(card.Body).Artifact is { } shown && shown != approvedText;
            if (card.DeliveredAt is null)
                card.Body = Settled(card.Body, outcome, approvedText);
            else if ((updatePosted || textChanged) && card.PlatformMessageId is { } posted && OutboxKey.Settled(card.Key) is var update && updated.Add(update))
                OutboxQueue.Add(db, update, OutboxKinds.CardUpdate, card.Target, Settled(card.Body, outcome, approvedText), now, now, card.Audience, replaces: posted);
            else
                continue;
            settled++;
        }
        return settled;
    }

    private static string Settled(string body, string outcome, string? approvedText)
    {
        var message = ChatMessage.FromJson(body);
        return (ChaseMessages.Settled(message, outcome) with { Artifact = message.Artifact is null ? null : approvedText ?? message.Artifact }).ToJson();
    }
}
