using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Storage;

/// <summary>
/// Brings the schema up to date when a process starts (registered ahead of Quartz in the Worker). If the database
/// cannot be reached yet, the process still starts, live but not ready (/readyz says why), and keeps trying.
/// </summary>
public sealed class DatabaseMigration(IDbContextFactory<ChaseDbContext> dbFactory, ILogger<DatabaseMigration> log) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the schema is up to date: what waits for it (the Worker's scheduler) starts then.</summary>
    public Task Migrated => _migrated.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            log.LogInformation("Ledger: {Database}", DatabaseOptions.Describe(
                db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, db.Database.GetConnectionString()));
        if (await TryMigrateAsync(cancellationToken))
            return; // Migrated before anything else starts: the usual case.
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(RetryEvery, stoppingToken);
            if (await TryMigrateAsync(stoppingToken))
                return;
        }
    }

    private async Task<bool> TryMigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await DatabaseMigrator.MigrateAsync(db, cancellationToken);
            _migrated.TrySetResult();
            return true;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            log.LogError("The database cannot be migrated yet ({Error}); retrying every {Seconds} s", e.Message, RetryEvery.TotalSeconds);
            return false;
        }
    }
}
