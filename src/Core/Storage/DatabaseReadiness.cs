using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Storage;

/// <summary>Whether the database can serve: reachable, and every migration applied.</summary>
public static class DatabaseReadiness
{
    /// <summary>Null when ready; otherwise what is wrong, in words an operator can act on (never a connection string).</summary>
    public static async Task<string?> ProblemAsync(IDbContextFactory<ChaseDbContext> dbFactory, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
                return "the database cannot be reached";
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0 ? null : $"{Text.Counted.Of(pending.Count, "migration")} not applied yet";
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return "the database cannot be reached";
        }
    }
}
