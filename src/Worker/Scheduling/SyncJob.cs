using ChaseBot.Core.Sources;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>Syncs the connected books (Sources:SyncEvery); does nothing while none is connected.</summary>
[DisallowConcurrentExecution]
public sealed class SyncJob(ConnectedSources sources, ILogger<SyncJob> log) : IJob
{
    public static readonly JobKey Key = new("sync-sources");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!sources.AnyConnected)
            return;
        foreach (var result in await sources.SyncAsync("worker", null, cancellationToken))
            if (result.Summary is { Failed: false } s)
                log.LogInformation("Synced {Source}: {Invoices} invoices read, {Created} new, {Updated} updated, {Rejected} rejected, {Missing} flagged missing",
                    result.Source, s.Rows, s.Created, s.Updated, s.RejectedCount, s.FlaggedMissing);
        // A source that could not be read was logged, with why, by ConnectedSources.
    }

    /// <summary>Sources:SyncEvery as a Quartz cron: minutes that divide an hour, or hours that divide a day; null when it is neither.</summary>
    public static string? Cron(TimeSpan every) => every switch
    {
        { TotalMinutes: var m } when m >= 1 && m < 60 && m == Math.Floor(m) && 60 % (int)m == 0 => $"0 0/{(int)m} * * * ?",
        { TotalHours: var h } when h >= 1 && h <= 24 && h == Math.Floor(h) && 24 % (int)h == 0 => $"0 0 0/{(int)h} * * ?",
        _ => null,
    };
}
