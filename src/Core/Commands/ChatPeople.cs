using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Commands;

/// <summary>
/// People by name, not by id: a text says "Approved by Ana Ruiz", not "Approved by U0APPROVER". The name is the one
/// the platform sent with the person's last click or command; someone never seen keeps their id.
/// </summary>
public static class ChatPeople
{
    /// <summary>Remembers the name a platform gave (saved with the caller's changes); nothing when it gave none.</summary>
    public static async Task RememberAsync(ChaseDbContext db, string userId, string? displayName, DateTime now, CancellationToken cancellationToken)
    {
        var name = displayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl))
            return;
        var user = await db.ChatUsers.FindAsync([userId], cancellationToken);
        if (user is null)
            db.ChatUsers.Add(new ChatUser { UserId = userId, DisplayName = name, UpdatedAt = now });
        else if (user.DisplayName != name)
            (user.DisplayName, user.UpdatedAt) = (name, now);
    }

    public static async Task<string> NameAsync(ChaseDbContext db, string? userId, CancellationToken cancellationToken)
    {
        if (userId is null)
            return "someone";
        var name = await db.ChatUsers.AsNoTracking().Where(u => u.UserId == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken);
        return name ?? userId;
    }

    /// <summary>Names for several ids at once (for a timeline).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> NamesAsync(ChaseDbContext db, IEnumerable<string?> userIds,
        CancellationToken cancellationToken)
    {
        var ids = userIds.OfType<string>().Distinct().ToList();
        var known = await db.ChatUsers.AsNoTracking().Where(u => ids.Contains(u.UserId) && u.DisplayName != null)
            .ToDictionaryAsync(u => u.UserId, u => u.DisplayName!, cancellationToken);
        return ids.ToDictionary(id => id, id => known.GetValueOrDefault(id, id));
    }
}
