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

    /// <summary>The display name a platform gave for this user id, or the id itself when none is known.</summary>
    public static async Task<string> NameOrIdAsync(ChaseDbContext db, string userId, CancellationToken cancellationToken) =>
        await db.ChatUsers.AsNoTracking().Where(u => u.UserId == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken) ?? userId;

    /// <summary>
    /// The name to show for a person, given as an <see cref="Actor"/> was recorded ("slack:U0123") or as the platform's
    /// own id: the display name the platform gave, else the id without its surface.
    /// </summary>
    public static async Task<string> NameAsync(ChaseDbContext db, string? recorded, CancellationToken cancellationToken) =>
        recorded is null ? "someone" : (await NamesAsync(db, [recorded], cancellationToken))[recorded];

    /// <summary>Names for several people at once (for a timeline), keyed as they were given.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> NamesAsync(ChaseDbContext db, IEnumerable<string?> recorded,
        CancellationToken cancellationToken)
    {
        var given = recorded.OfType<string>().Distinct().ToList();
        // Names are kept under the platform's id: a Slack person as "U0123", a Teams person as "teams:29:…" (their
        // actor and their id alike), so both forms are looked up.
        var ids = given.Concat(given.Select(Actor.WithoutPlatform)).Distinct().ToList();
        var known = await db.ChatUsers.AsNoTracking().Where(u => ids.Contains(u.UserId) && u.DisplayName != null)
            .ToDictionaryAsync(u => u.UserId, u => u.DisplayName!, cancellationToken);
        return given.ToDictionary(g => g, g => known.GetValueOrDefault(g) ?? known.GetValueOrDefault(Actor.WithoutPlatform(g)) ?? Actor.WithoutPlatform(g));
    }
}
