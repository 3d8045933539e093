using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Teams;

/// <summary>What an authenticated activity says about its conversation.</summary>
public sealed record ConversationFacts(string ConversationId, string ServiceUrl, string? TenantId, string BotId, string? UserId,
    string? AadObjectId, string ConversationType);

/// <summary>The stored conversation references: remembered, found, retired.</summary>
public sealed class TeamsConversations(IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock)
{
    public async Task RememberAsync(ConversationFacts facts, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var reference = await db.ConversationReferences.SingleOrDefaultAsync(r => r.ConversationId == facts.ConversationId, cancellationToken);
        if (reference is null)
            db.ConversationReferences.Add(reference = new ConversationReference
            {
                ConversationId = facts.ConversationId, ServiceUrl = facts.ServiceUrl, BotId = facts.BotId,
                ConversationType = facts.ConversationType, CreatedAt = now,
            });
        (reference.ServiceUrl, reference.TenantId, reference.BotId, reference.UserId, reference.AadObjectId, reference.ConversationType) =
            (facts.ServiceUrl, facts.TenantId, facts.BotId, facts.UserId, facts.AadObjectId, facts.ConversationType);
        (reference.UpdatedAt, reference.RetiredAt, reference.RetiredReason) = (now, null, null);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            // Two activities of a new conversation at once: the other stored it.
        }
    }

    public async Task RetireAsync(string conversationId, string reason, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ConversationReferences.Where(r => r.ConversationId == conversationId && r.RetiredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.RetiredAt, now).SetProperty(r => r.RetiredReason, reason), cancellationToken);
    }

    public async Task<ConversationReference?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ConversationReferences.AsNoTracking()
            .SingleOrDefaultAsync(r => r.ConversationId == conversationId && r.RetiredAt == null, cancellationToken);
    }

    /// <summary>The 1:1 conversation with a person, by their Teams user id or AAD object id.</summary>
    public async Task<ConversationReference?> PersonalWithAsync(string user, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ConversationReferences.AsNoTracking()
            .Where(r => r.ConversationType == "personal" && r.RetiredAt == null && (r.UserId == user || r.AadObjectId == user))
            .OrderByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Any live reference: the service URL, bot and tenant a new personal conversation is created through.</summary>
    public async Task<ConversationReference?> AnyAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ConversationReferences.AsNoTracking().Where(r => r.RetiredAt == null)
            .OrderByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(cancellationToken);
    }
}
