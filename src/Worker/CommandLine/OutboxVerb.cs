using System.Globalization;
using System.Text.Json;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// outbox: what has not been delivered yet: held for quiet hours, retrying, or dead-lettered with its last error.
/// Nothing is ever dropped silently, so this is where to look.
/// </summary>
internal static class OutboxVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        var zone = services.GetRequiredService<ChaseSettings>().Calendar.Zone;
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        var waiting = await db.Outbox.AsNoTracking().Where(m => m.DeliveredAt == null).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        string State(OutboxMessage m) => m.DeadLetteredAt is not null ? "dead-lettered" : m.Attempts > 0 ? "retrying" : "waiting";
        string Local(DateTime utc) => TimeZoneInfo.ConvertTime(new DateTimeOffset(utc, TimeSpan.Zero), zone)
            .ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        if (arguments.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(waiting.Select(m => new
            {
                id = m.Id, kind = m.Kind, target = m.Target, state = State(m), notBefore = m.NotBefore, attempts = m.Attempts,
                lastError = m.LastError, title = ChatMessage.FromJson(m.Body).Title,
            }), SummaryText.JsonOptions));
            return ExitCode.Done;
        }
        if (waiting.Count == 0)
        {
            await stdout.WriteLineAsync("Everything has been delivered.");
            return ExitCode.Done;
        }
        var table = new TextTable(">Id", "State", "Kind", "To", "Not before", ">Tries", "Title / last error");
        foreach (var m in waiting)
            table.Add(m.Id.ToString(CultureInfo.InvariantCulture), State(m), m.Kind, m.Target, Local(m.NotBefore),
                m.Attempts.ToString(CultureInfo.InvariantCulture), m.LastError ?? ChatMessage.FromJson(m.Body).Title);
        await stdout.WriteAsync(table.ToString());
        return ExitCode.Done;
    }
}

/// <summary>digest: one now, to the digest channels (the console when no platform is configured).</summary>
internal static class DigestVerb
{
    public static async Task<ExitCode> RunAsync(IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<ChannelDigest>().PostOnDemandAsync(cancellationToken);
        var delivered = await services.GetRequiredService<OutboxDrainer>().DrainAsync(cancellationToken);
        if (delivered.Delivered == 0)
            await stdout.WriteLineAsync("The digest is queued for the next allowed hour (quiet hours or the weekend); see: outbox");
        return ExitCode.Done;
    }
}
