using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Morale;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>Decides the day's chase (idempotent: run it hourly), then asks for any check-ins that events call for.</summary>
[DisallowConcurrentExecution]
public sealed class ChaseJob(ChaseRunner runner, MoraleCheckIns morale, ILogger<ChaseJob> log) : IJob
{
    public static readonly JobKey Key = new("chase");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var summary = await runner.RunAsync(cancellationToken: cancellationToken);
        var checkIns = await morale.AskAsync(includeWeekly: false, cancellationToken);
        log.LogInformation("Chase for {Day}: {Reminders} reminders, {Proposals} proposals, {Notes} notes, {Thanks} thank-yous, " +
                           "{Skipped} skipped, {Held} held, {Conflicts} already decided elsewhere; {CheckIns} check-ins",
            summary.Day, summary.Reminders, summary.Proposals, summary.Notes, summary.Thanks, summary.Skipped, summary.Held,
            summary.Conflicts, checkIns);
    }
}

/// <summary>The weekly check-in with owners who have overdue invoices.</summary>
[DisallowConcurrentExecution]
public sealed class MoraleJob(MoraleCheckIns morale, ILogger<MoraleJob> log) : IJob
{
    public static readonly JobKey Key = new("morale");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        log.LogInformation("Weekly check-in: {Count} asked", await morale.AskAsync(includeWeekly: true, cancellationToken));
}

[DisallowConcurrentExecution]
public sealed class DigestJob(ChannelDigest digest, ILogger<DigestJob> log) : IJob
{
    public static readonly JobKey Key = new("digest");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (await digest.PostScheduledAsync(cancellationToken))
            log.LogInformation("Digest queued");
    }
}

/// <summary>Delivers what the other jobs decided; the only job that talks to a chat platform.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxJob(OutboxDrainer drainer, IHostApplicationLifetime lifetime, ILogger<OutboxJob> log) : IJob
{
    public static readonly JobKey Key = new("outbox");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // A drain can take minutes at the platforms' pace; on SIGTERM it stops claiming and lets the rest wait.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        DrainSummary result;
        try
        {
            result = await drainer.DrainAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutdown caught the drain between two steps (reading what is due, claiming): nothing was half-sent.
            log.LogInformation("Outbox run stopped for shutdown; what was not delivered waits for the next run");
            return;
        }
        if (result.Delivered + result.Retrying + result.DeadLettered > 0)
            log.LogInformation("Outbox: {Delivered} delivered, {Retrying} retrying, {Dead} dead-lettered",
                result.Delivered, result.Retrying, result.DeadLettered);
    }
}
