using System.Globalization;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker.CommandLine;

/// <summary>The main job once, in the foreground: import, chase, check in, digest, deliver, and say what happened.</summary>
internal static class RunOnceVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        var asOf = arguments.Get(arguments.Cli.AsOf);
        var options = services.GetRequiredService<IOptions<ExportOptions>>().Value;
        if (ImportVerb.ReadSettings(arguments, options, out var error) is not { } settings)
            return WorkerCommandLine.UsageError(stderr, arguments, error!);
        // A missing folder was refused before the ledger was opened (WorkerCommandLine).

        await stdout.WriteLineAsync($"== Ledger: {await LedgerAsync(services, cancellationToken)}");
        await stdout.WriteLineAsync($"== Import: {options.Folder}");
        // A person asked for this run: read every file now (no settle time) and say what became of each.
        var imported = await services.GetRequiredService<FolderImport>()
            .ImportAsync(options.Folder, settings, TimeSpan.Zero, quietlySkip: null, cancellationToken);
        await stdout.WriteAsync(SummaryText.Human(imported));

        var queuedBefore = await LastQueuedAsync(services, cancellationToken);
        var chase = await services.GetRequiredService<ChaseRunner>().RunAsync(asOf, cancellationToken);
        var checkIns = await services.GetRequiredService<MoraleCheckIns>().AskAsync(includeWeekly: true, cancellationToken);
        var digest = await services.GetRequiredService<ChannelDigest>().PostScheduledAsync(cancellationToken);

        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync($"== Posting to {Platforms(services)}");
        var delivered = await services.GetRequiredService<OutboxDrainer>().DrainAsync(cancellationToken);
        var (held, heldEarlier) = await PreviewHeldAsync(services, queuedBefore, stdout, cancellationToken);

        await stdout.WriteLineAsync();
        string N(int count, string noun, string? plural = null) => Core.Text.Counted.Of(count, noun, plural);
        await stdout.WriteLineAsync($"== Chase for {chase.Day:ddd yyyy-MM-dd}: {N(chase.Reminders, "reminder")}, {N(chase.Proposals, "proposal")}, " +
                                    $"{N(chase.Notes, "note")}, {N(chase.Thanks, "thank-you")}, {N(chase.Skipped, "step")} recorded as skipped, " +
                                    $"{N(chase.Held, "step")} on hold (paused, disputed, promised, or waiting for contact); {N(checkIns, "morale check-in")}; {Digest(services, digest)}.");
        await stdout.WriteLineAsync($"   Delivered {N(delivered.Delivered, "message")}; {held} held for quiet hours or the weekend; " +
                                    $"{delivered.Retrying} retrying; {delivered.DeadLettered} dead-lettered.");
        if (!services.GetRequiredService<ChaseSettings>().OwnerKnown(null))
            await stdout.WriteLineAsync("   " + MoraleCheckIns.NoOwnerWarning);
        if (services.GetRequiredService<ChaseSettings>().PaymentWarning(services.GetRequiredService<IOptions<Core.Email.EmailOptions>>().Value) is { } noPayment)
            await stdout.WriteLineAsync("   " + noPayment);
        if (heldEarlier is { Count: > 0 } earlier)
            await stdout.WriteLineAsync($"   {Core.Text.Counted.Of(earlier.Count, "message")} from earlier runs still held; the next posts {earlier.Next} (`outbox` lists them).");
        return ImportVerb.Outcome(imported);
    }

    /// <summary>Which ledger this run opened: the SQLite file, or the PostgreSQL server and database (never its credentials).</summary>
    private static async Task<string> LedgerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        return connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? Path.GetFullPath(sqlite.DataSource)
            : $"PostgreSQL database {connection.Database} on {connection.DataSource}";
    }

    /// <summary>Where this run's messages go, in words: every platform configured, or the console when none is.</summary>
    private static string Platforms(IServiceProvider services)
    {
        var names = new List<string>();
        if (services.GetRequiredService<IOptions<Core.Slack.SlackOptions>>().Value.Enabled)
            names.Add("Slack");
        if (services.GetRequiredService<IOptions<Core.Teams.TeamsOptions>>().Value.Enabled)
            names.Add("Teams");
        if (services.GetRequiredService<IOptions<Core.Email.EmailOptions>>().Value.Enabled)
            names.Add("email");
        return names.Count == 0 ? "the console (no chat platform is configured)"
            : names.Count == 1 && names[0] == "email" ? "email, and the console for chat (no chat platform is configured)"
            : string.Join(" and ", names);
    }

    /// <summary>What became of today's digest: posted now, held until the next allowed hour, left to the next allowed day, or already posted.</summary>
    private static string Digest(IServiceProvider services, bool composed)
    {
        var calendar = services.GetRequiredService<ChaseSettings>().Calendar;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var next = calendar.NextAllowed(now);
        if (!composed)
            return services.GetRequiredService<ChannelDigest>().QuietDay(now)
                ? $"no digest today (a quiet day): the one on {TimeZoneInfo.ConvertTime(next, calendar.Zone).ToString("ddd d MMM", CultureInfo.InvariantCulture)} covers it"
                : "digest already posted today";
        return next <= now ? "digest posted"
            : $"digest held until {TimeZoneInfo.ConvertTime(next, calendar.Zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)}";
    }

    private static async Task<long> LastQueuedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.Outbox.MaxAsync(m => (long?)m.Id, cancellationToken) ?? 0;
    }

    /// <summary>
    /// Messages this run queued that are held by quiet hours or the weekend: shown, marked, and left to be delivered on
    /// time. Those held from earlier runs were shown then; they are counted apart, with when the next goes.
    /// </summary>
    private static async Task<(int Held, (int Count, string Next)? Earlier)> PreviewHeldAsync(IServiceProvider services, long queuedBefore,
        TextWriter stdout, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var zone = services.GetRequiredService<ChaseSettings>().Calendar.Zone;
        string Local(DateTime utc) =>
            $"{TimeZoneInfo.ConvertTime(new DateTimeOffset(utc, TimeSpan.Zero), zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {zone.Id}";
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        var held = await db.Outbox.AsNoTracking().Where(m => m.DeliveredAt == null && m.DeadLetteredAt == null && m.NotBefore > now)
            .OrderBy(m => m.Id).ToListAsync(cancellationToken);
        foreach (var message in held.Where(m => m.Id > queuedBefore))
        {
            await stdout.WriteLineAsync($"(held for quiet hours / the weekend: posts {Local(message.NotBefore)})");
            await stdout.WriteAsync(ConsolePlatform.Render(message, ChatMessage.FromJson(message.Body)));
        }
        var earlier = held.Where(m => m.Id <= queuedBefore).ToList();
        return (held.Count - earlier.Count, earlier.Count == 0 ? null : (earlier.Count, Local(earlier.Min(m => m.NotBefore))));
    }
}
