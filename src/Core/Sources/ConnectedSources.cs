using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Stripe;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources;

/// <summary>One source as <c>sources</c> shows it.</summary>
/// <param name="LastSync">When the last sync that was written finished.</param>
/// <param name="AsOf">When the facts it wrote were true.</param>
/// <param name="Problem">Why the latest attempt failed, when it did (never a key or a token).</param>
public sealed record SourceState(string Source, string Name, bool Connected, DateTime? LastSync, DateTime? AsOf, bool Stale, string? Problem);

/// <summary>What one sync did, or why it could not.</summary>
public sealed record SyncResult(string Source, ImportSummary? Summary, string? Problem);

/// <summary>
/// The sources ChaseBot can read live, which of them are connected, and syncing them all: the Worker's schedule, the
/// <c>sync</c> verb and <c>sources</c> ask here. Stripe so far; Xero and QuickBooks Online come next (issue 28).
/// </summary>
public sealed class ConnectedSources(StripeSource stripe, IDbContextFactory<ChaseDbContext> dbFactory, IOptions<SourcesOptions> options,
    Chasing.ChaseSettings settings, TimeProvider clock, ILogger<ConnectedSources> log)
{
    public static readonly IReadOnlyList<(string Source, string Name)> Known = [(StripeSource.Name, "Stripe")];

    public bool AnyConnected => stripe.Configured;

    public bool IsConnected(string source) => source == StripeSource.Name && stripe.Configured;

    /// <summary>Syncs every connected source (or just <paramref name="only"/>); a source that cannot be read is said, and the others still sync.</summary>
    public async Task<IReadOnlyList<SyncResult>> SyncAsync(string startedBy, string? only, CancellationToken cancellationToken)
    {
        var results = new List<SyncResult>();
        foreach (var (source, name) in Known.Where(k => only is null || k.Source == only))
        {
            if (!IsConnected(source))
                continue;
            try
            {
                results.Add(new SyncResult(source, await stripe.SyncAsync(startedBy, cancellationToken), null));
            }
            catch (Exception e) when (e is global::Stripe.StripeException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var problem = Problem(name, e);
                log.LogWarning("{Source} could not be synced: {Problem}", name, problem);
                await RecordAsync(source, name, problem, Refused(e), cancellationToken);
                results.Add(new SyncResult(source, null, problem));
            }
        }
        return results;
    }

    /// <summary>What went wrong, in words a person can act on; Stripe's own message never holds the key, but only the status is used anyway.</summary>
    private static string Problem(string name, Exception e) => e switch
    {
        global::Stripe.StripeException { HttpStatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } =>
            $"{name} refused ChaseBot's key (revoked, expired, or without read access to invoices and events): set Sources:Stripe:ApiKey to a restricted key again",
        global::Stripe.StripeException { HttpStatusCode: (System.Net.HttpStatusCode)429 } => $"{name} asked ChaseBot to slow down (429); the next sync tries again",
        global::Stripe.StripeException s => $"{name} answered {(int)s.HttpStatusCode}; the next sync tries again",
        _ => $"{name} could not be reached ({e.GetType().Name}); the next sync tries again",
    };

    private static bool Refused(Exception e) =>
        e is global::Stripe.StripeException { HttpStatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden };

    /// <summary>
    /// A failed attempt is kept as a run of its own, so <c>sources</c> and the log say the same. A refused key is also
    /// said to each approver, privately, once until a sync works again: nothing from those books is sent meanwhile.
    /// </summary>
    private async Task RecordAsync(string source, string name, string problem, bool refused, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (refused)
        {
            var lastGood = await db.ImportRuns.AsNoTracking().Where(r => r.Source == source && r.Origin == ImportOrigin.Sync && r.Outcome == ImportOutcome.Imported)
                .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken) ?? 0;
            foreach (var approver in settings.Approvers)
            {
                var key = Delivery.OutboxKey.SourceRefused(source, lastGood, approver);
                if (await db.Outbox.AnyAsync(m => m.Key == key.Value, cancellationToken))
                    continue;
                Delivery.OutboxQueue.Add(db, key, Delivery.OutboxKinds.SourceRefused, approver, new Delivery.ChatMessage
                {
                    Title = $"{name} refused ChaseBot's key",
                    Lines =
                    [
                        $"{problem}.",
                        $"Until then ChaseBot sends nothing about invoices from {name}: it cannot check them before sending. " +
                        "`sources` (or /chase sources) shows when it can read them again.",
                    ],
                }, now, settings.Calendar.NextAllowed(clock.GetUtcNow()).UtcDateTime, Delivery.Audience.Direct);
            }
        }
        db.ImportRuns.Add(new ImportRun
        {
            FileName = $"{name} sync", FileHash = $"sync:{Guid.NewGuid():N}", Origin = ImportOrigin.Sync, Source = source, Format = source,
            StartedAt = now, FinishedAt = now, Outcome = ImportOutcome.Failed, Message = problem, Mode = FactsMode.Changes,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The connected sources too stale to act on, with why ("held until Stripe is synced again (last synced 27 hours ago)").</summary>
    public async Task<IReadOnlyDictionary<string, string>> HeldAsync(CancellationToken cancellationToken)
    {
        if (!AnyConnected)
            return new Dictionary<string, string>();
        var now = clock.GetUtcNow().UtcDateTime;
        return (await StatesAsync(cancellationToken)).Where(s => s.Stale).ToDictionary(s => s.Source, s =>
            $"held until {s.Name} is synced again ({(s.LastSync is { } at ? $"last synced {Ago(now - at)}" : "never synced")}" +
            (s.Problem is null ? ")" : $"; {s.Problem})"));
    }

    /// <summary>"Books synced 3 minutes ago (Stripe)." for status and the Home tab; null while no source is connected.</summary>
    public async Task<string?> FreshnessAsync(CancellationToken cancellationToken)
    {
        if (!AnyConnected)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var said = new List<string>();
        foreach (var state in (await StatesAsync(cancellationToken)).Where(s => s.Connected))
            said.Add(state switch
            {
                { LastSync: null } => $"{state.Name} not synced yet" + (state.Problem is null ? "" : $" ({state.Problem})"),
                { Stale: true } => $"{state.Name} last synced {Ago(now - state.LastSync.Value)}: too old to send on until the next sync",
                _ => $"books synced {Ago(now - state.LastSync!.Value)} ({state.Name})",
            });
        var line = string.Join("; ", said);
        return char.ToUpperInvariant(line[0]) + line[1..] + ".";
    }

    /// <summary>"just now", "3 minutes ago", "2 hours ago", "4 days ago".</summary>
    public static string Ago(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => "just now",
        { TotalHours: < 1 } => $"{Text.Counted.Of((int)span.TotalMinutes, "minute")} ago",
        { TotalDays: < 2 } => $"{Text.Counted.Of((int)span.TotalHours, "hour")} ago",
        _ => $"{Text.Counted.Of((int)span.TotalDays, "day")} ago",
    };

    public async Task<IReadOnlyList<SourceState>> StatesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var states = new List<SourceState>();
        foreach (var (source, name) in Known)
        {
            var runs = db.ImportRuns.AsNoTracking().Where(r => r.Origin == ImportOrigin.Sync && r.Source == source);
            var written = await runs.Where(r => r.Outcome == ImportOutcome.Imported).OrderByDescending(r => r.Id)
                .Select(r => new { r.FinishedAt, r.AsOf }).FirstOrDefaultAsync(cancellationToken);
            var latest = await runs.OrderByDescending(r => r.Id).Select(r => new { r.Outcome, r.Message }).FirstOrDefaultAsync(cancellationToken);
            var connected = IsConnected(source);
            states.Add(new SourceState(source, name, connected, written?.FinishedAt, written?.AsOf,
                connected && (written?.AsOf is not { } asOf || now - asOf > options.Value.MaxStaleness),
                latest?.Outcome == ImportOutcome.Failed ? latest.Message : null));
        }
        return states;
    }
}
