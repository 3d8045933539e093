using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// A proposal's card still waiting in the outbox (held for quiet hours or the weekend) when the proposal is decided or
/// withdrawn: it goes out as a record of what happened, without buttons, never as a live proposal.
/// </summary>
public static class HeldProposalCards
{
    /// <summary>Rewrites the proposal's undelivered cards (saved with the caller's changes); returns how many.</summary>
    public static async Task<int> SettleAsync(ChaseDbContext db, long proposalId, string outcome, CancellationToken cancellationToken)
    {
        var prefix = $"proposal:{proposalId}:";
        var held = await db.Outbox.Where(m => m.Key.StartsWith(prefix) && m.DeliveredAt == null && m.DeadLetteredAt == null)
            .ToListAsync(cancellationToken);
        foreach (var card in held)
        {
            var message = ChatMessage.FromJson(card.Body);
            card.Body = (message with
            {
                Actions = [],
                Lines = [.. message.Lines.Where(l => !l.StartsWith(ChaseMessages.DecisionPending, StringComparison.Ordinal)), outcome],
            }).ToJson();
        }
        return held.Count;
    }
}
