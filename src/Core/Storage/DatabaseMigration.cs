using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace ChaseBot.Core.Storage;

/// <summary>Brings the schema up to date before the scheduler starts (registered ahead of Quartz).</summary>
public sealed class DatabaseMigration(IDbContextFactory<ChaseDbContext> dbFactory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await DatabaseMigrator.MigrateAsync(db, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
