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
    public static async Task<int> SettleAsync(ChaseDbContext db, long proposalId, string outcome, DateTime now, CancellationToken cancellationToken,
        bool updatePosted = true)
    {
        var prefix = OutboxKey.ProposalCards(proposalId);
        var settledPrefix = OutboxKey.SettledPrefix(prefix);
        var cards = await db.Outbox.Where(m => m.Key.StartsWith(prefix) && m.DeadLetteredAt == null).ToListAsync(cancellationToken);
        var updated = (await db.Outbox.Where(m => m.Key.StartsWith(settledPrefix)).Select(m => m.Key).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var settled = 0;
        foreach (var card in cards)
        {
            if (card.DeliveredAt is null)
                card.Body = Settled(card.Body, outcome);
            else if (updatePosted && card.PlatformMessageId is { } posted && OutboxKey.Settled(card.Key) is var update && updated.Add(update))
                OutboxQueue.Add(db, update, OutboxKinds.CardUpdate, card.Target, Settled(card.Body, outcome), now, now, card.Audience, replaces: posted);
            else
                continue;
            settled++;
        }
        return settled;
    }

    private static string Settled(string body, string outcome)
    {
        var message = ChatMessage.FromJson(body);
        return (message with
        {
            Actions = [],
            Lines = [.. message.Lines.Where(l => !l.StartsWith(ChaseMessages.DecisionPending, StringComparison.Ordinal)), outcome],
        }).ToJson();
    }
}
