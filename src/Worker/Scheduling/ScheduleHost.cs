using ChaseBot.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>One job on its cron schedule, read in the configured time zone.</summary>
public sealed record ScheduledJob(JobKey Key, Type JobType, CronExpression Cron);

public sealed record WorkerSchedule(IReadOnlyList<ScheduledJob> Jobs, TimeZoneInfo Zone);

/// <summary>
/// Starts Quartz once the database is migrated (and keeps trying while it cannot be reached, so the Worker stays live
/// but not ready instead of crash-looping), and stops it gracefully on SIGTERM.
/// <para>
/// Triggers are only replaced when their schedule changed. Replacing an unchanged trigger at every start would re-arm
/// a firing another Worker of the cluster had just run, so it would run twice.
/// </para>
/// </summary>
public sealed class ScheduleHost(ISchedulerFactory schedulers, DatabaseMigration migration, WorkerSchedule schedule,
    ILogger<ScheduleHost> log) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private IScheduler? _scheduler;

    /// <summary>Running and firing triggers: what /readyz reports.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken) =>
        _scheduler is { } scheduler && await scheduler.GetStatus(cancellationToken) == SchedulerStatus.Running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.Migrated.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var scheduler = await schedulers.GetScheduler(stoppingToken);
                await SyncAsync(scheduler, stoppingToken);
                await scheduler.Start(stoppingToken);
                _scheduler = scheduler;
                log.LogInformation("Scheduler {Instance} started: {Jobs}", scheduler.SchedulerInstanceId,
                    string.Join(", ", schedule.Jobs.Select(j => $"{j.Key.Name} at \"{j.Cron.CronExpressionString}\"")));
                return;
            }
            catch (SchedulerException e)
            {
                log.LogError("The scheduler cannot start yet ({Error}); retrying every {Seconds} s", e.Message, RetryEvery.TotalSeconds);
                await Task.Delay(RetryEvery, stoppingToken);
            }
        }
    }

    /// <summary>Stores the jobs and brings each trigger to its configured schedule, leaving unchanged ones alone.</summary>
    private async Task SyncAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        foreach (var job in schedule.Jobs)
        {
            // Every job is idempotent, so a firing cut short by a dying Worker is simply run again by another.
            await scheduler.AddJob(JobBuilder.Create().OfType(job.JobType).WithIdentity(job.Key).StoreDurably().RequestRecovery().Build(),
                AddJobOptions.Replacing, cancellationToken);
            var key = new TriggerKey($"{job.Key.Name}-schedule");
            var existing = await scheduler.GetTrigger(key, cancellationToken);
            if (existing is ICronTrigger cron && cron.CronExpressionString == job.Cron.CronExpressionString &&
                cron.TimeZone.Id == schedule.Zone.Id)
                continue;
            var trigger = TriggerBuilder.Create().ForJob(job.Key).WithIdentity(key)
                .WithCronSchedule(job.Cron.CronExpressionString!, c => c.InTimeZone(schedule.Zone))
                .StartNow().Build();
            // Keep: of two Workers starting together, the store keeps whichever trigger came first, and it fires once.
            await scheduler.ScheduleTrigger(trigger, existing is null ? TriggerConflict.Keep : TriggerConflict.Replace, cancellationToken);
            if (existing is not null)
                log.LogInformation("Schedule of {Job} changed to \"{Cron}\"", job.Key.Name, job.Cron.CronExpressionString);
        }
    }

    /// <summary>
    /// SIGTERM: fire nothing new and wait for the running jobs, up to the host's shutdown time. The outbox job stops
    /// claiming messages as soon as the application is stopping (what it is sending still completes and is recorded).
    /// A job still running when the time is up is abandoned: its transaction rolls back, and the next run (or, in a
    /// cluster, another Worker recovering the firing) does it again; every job is idempotent.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_scheduler is not { } scheduler)
            return;
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        log.LogInformation("Scheduler {Instance} stopped", scheduler.SchedulerInstanceId);
    }
}
