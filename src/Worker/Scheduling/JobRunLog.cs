using System.Globalization;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>
/// One line per firing: which job, for which scheduled time, on which Worker. In a cluster this is how an operator
/// (and the clustering test) sees that each trigger ran once, and which node ran it.
/// </summary>
public sealed class JobRunLog(ILogger<JobRunLog> log) : IJobListener
{
    public string Name => "chasebot-job-runs";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        log.LogInformation("Running {Job} for {ScheduledFireTime} on {SchedulerInstance}{Recovering}",
            context.JobDetail.Key.Name, context.ScheduledFireTimeUtc?.ToString("O", CultureInfo.InvariantCulture),
            context.Scheduler.SchedulerInstanceId,
            context.Recovering ? " (recovering a firing its Worker did not finish)" : "");
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException,
        CancellationToken cancellationToken = default)
    {
        if (jobException is not null)
            log.LogError(jobException, "{Job} for {ScheduledFireTime:O} failed", context.JobDetail.Key.Name, context.ScheduledFireTimeUtc);
        return ValueTask.CompletedTask;
    }
}
