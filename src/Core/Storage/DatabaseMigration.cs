using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Storage;

/// <summary>
/// Brings the schema up to date when a process starts (registered ahead of Quartz in the Worker). If another process
/// is migrating, or the database cannot be reached yet, the process still starts, live but not ready (/readyz says
/// what it waits for), says once what it waits for, and gives up after Database:LockTimeout: it stops with exit code 1.
/// </summary>
public sealed class DatabaseMigration(IDbContextFactory<ChaseDbContext> dbFactory, DatabaseOptions options,
    IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<DatabaseMigration> log) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LockWait _wait = new(message => log.LogWarning("{Wait}", message), options.LockTimeout, clock);
    private string? _unreachable;

    /// <summary>Completes once the schema is up to date: what waits for it (the Worker's scheduler) starts then.</summary>
    public Task Migrated => _migrated.Task;

    /// <summary>What the migration is waiting for, for /readyz; null when it is not waiting.</summary>
    public string? Waiting => _wait.Waiting ?? _unreachable;

    /// <summary>True when it gave up: the process is stopping and should exit with code 1.</summary>
    public bool GaveUp { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            log.LogInformation("Ledger: {Database}", DatabaseOptions.Describe(
                db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, db.Database.GetConnectionString()));
        // Usually the schema is brought up to date before anything else starts; if that would mean waiting, the
        // waiting is done in the background, so the probes answer meanwhile.
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await DatabaseMigrator.MigrateAsync(db, new LockWait(_ => { }, TimeSpan.Zero, clock), cancellationToken);
            _migrated.TrySetResult();
            return;
        }
        catch (Exception e) when (e is LockTimeoutException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // Taken by another process, or not reachable yet: see ExecuteAsync.
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = clock.GetUtcNow();
        var startedAt = clock.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                await DatabaseMigrator.MigrateAsync(db, _wait, stoppingToken);
                if (_unreachable is not null)
                    log.LogInformation("The database is reachable again; migrated");
                _unreachable = null;
                _migrated.TrySetResult();
                return;
            }
            catch (LockTimeoutException e)
            {
                Stop(e.Message);
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                if (_unreachable is null)
                    log.LogError("The database cannot be migrated yet ({Error}); retrying every {Seconds} s, giving up after {Limit} s " +
                                 "(Database:LockTimeout)", e.Message, RetryEvery.TotalSeconds, options.LockTimeout.TotalSeconds);
                _unreachable = $"waiting for the database since {started:HH:mm:ss} UTC ({e.Message})";
                if (clock.GetElapsedTime(startedAt) >= options.LockTimeout)
                {
                    Stop($"Gave up after {options.LockTimeout.TotalSeconds:0} s (Database:LockTimeout): the database still cannot be " +
                         $"migrated ({e.Message}). Check that it is running and reachable with the configured connection string.");
                    return;
                }
            }
            await Task.Delay(RetryEvery, clock, stoppingToken);
        }
    }

    private void Stop(string why)
    {
        log.LogCritical("{Reason}", why);
        GaveUp = true;
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }
}
