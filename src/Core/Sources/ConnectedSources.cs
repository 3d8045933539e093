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
/// <param name="Organisation">The organisation connected, for books connected over OAuth ("Demo Company (UK)").</param>
/// <param name="CallsLeftToday">What the books said was left of their day's limit at the last answer.</param>
/// <param name="Budget">The same in words, when the books have a day limit: "4,812 of 5,000 calls left today".</param>
public sealed record SourceState(string Source, string Name, bool Connected, DateTime? LastSync, DateTime? AsOf, bool Stale, string? Problem,
    string? Organisation = null, int? CallsLeftToday = null, string? Budget = null);

/// <summary>What one sync did, or why it could not.</summary>
public sealed record SyncResult(string Source, ImportSummary? Summary, string? Problem);

/// <summary>
/// The sources ChaseBot can read live (every registered <see cref="IInvoiceSource"/>), which of them are connected,
/// and syncing them all: the Worker's schedule, the <c>sync</c> verb, <c>sources</c> and the check before sending ask here.
/// </summary>
public sealed class ConnectedSources(IEnumerable<IInvoiceSource> all, IDbContextFactory<ChaseDbContext> dbFactory, IOptions<SourcesOptions> options,
    Chasing.ChaseSettings settings, Connections.OAuthConnections connections, TimeProvider clock, ILogger<ConnectedSources> log)
{
    private readonly IReadOnlyList<IInvoiceSource> _sources = [.. all];

    /// <summary>Every source ChaseBot can read, connected or not: (its ledger name, what people call it).</summary>
    public IReadOnlyList<(string Source, string Name)> Known => [.. _sources.Select(s => (s.Name, s.DisplayName))];

    public bool AnyConnected => _sources.Any(s => s.Configured);

    public bool IsConnected(string source) => Find(source)?.Configured == true;

    public IInvoiceSource? Find(string source) => _sources.FirstOrDefault(s => s.Name == source);

    /// <summary>Syncs every connected source (or just <paramref name="only"/>); a source that cannot be read is said, and the others still sync.</summary>
    public async Task<IReadOnlyList<SyncResult>> SyncAsync(string startedBy, string? only, CancellationToken cancellationToken)
    {
        var results = new List<SyncResult>();
        foreach (var source in _sources.Where(s => s.Configured && (only is null || s.Name == only)))
        {
            using var span = Telemetry.ChaseTraces.Source.StartActivity("sync")?.SetTag("chasebot.source", source.Name);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var summary = await source.SyncAsync(startedBy, cancellationToken);
                results.Add(new SyncResult(source.Name, summary, null));
                Telemetry.ChaseMetrics.RecordImport(source.Name, summary.Outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                span?.SetTag("chasebot.outcome", summary.Outcome.ToString().ToLowerInvariant()).SetTag("chasebot.invoices", summary.Invoices);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && source.Explain(e) is { } problem)
            {
                log.LogWarning("{Source} could not be synced: {Problem}", source.DisplayName, problem.Words);
                Telemetry.ChaseMetrics.RecordImport(source.Name, ImportOutcome.Failed, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, problem.Words);
                await RecordAsync(source.Name, source.DisplayName, problem, cancellationToken);
                results.Add(new SyncResult(source.Name, null, problem.Words));
            }
        }
        return results;
    }

    /// <summary>
    /// A failed attempt is kept as a run of its own, so <c>sources</c> and the log say the same. A refused key is also
    /// said to each approver, privately, once until a sync works again: nothing from those books is sent meanwhile.
    /// </summary>
    private async Task RecordAsync(string source, string name, SourceProblem problem, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (problem.Refused)
        {
            var lastGood = await db.ImportRuns.AsNoTracking().Where(r => r.Source == source && r.Origin == ImportOrigin.Sync && r.Outcome == ImportOutcome.Imported)
                .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken) ?? 0;
            foreach (var approver in settings.Approvers)
            {
                var key = Delivery.OutboxKey.SourceRefused(source, lastGood, approver);
                if (await db.Outbox.AnyAsync(m => m.Key == key.Value, cancellationToken))
                    continue;
                var lines = new List<string> { $"{problem.Words}." };
                if (await ReconnectLinkAsync(source, approver, cancellationToken) is { } link)
                    lines.Add($"Reconnect {name}: {link.Link} (valid for {ConnectedSources.Hours(Connections.OAuthConnections.ReconnectValidity)}, once; " +
                              $"/chase connect {source} gives a fresh one).");
                lines.Add($"Until then ChaseBot sends nothing about invoices from {name}: it cannot check them before sending. " +
                          "`sources` (or /chase sources) shows when it can read them again.");
                Delivery.OutboxQueue.Add(db, key, Delivery.OutboxKinds.SourceRefused, approver, new Delivery.ChatMessage
                {
                    Title = problem.Title ?? $"{name} refused ChaseBot's key",
                    Lines = lines,
                }, now, settings.Calendar.NextAllowed(clock.GetUtcNow()).UtcDateTime, Delivery.Audience.Direct);
            }
        }
        db.ImportRuns.Add(new ImportRun
        {
            FileName = $"{name} sync", FileHash = $"sync:{Guid.NewGuid():N}", Origin = ImportOrigin.Sync, Source = source, Format = source,
            StartedAt = now, FinishedAt = now, Outcome = ImportOutcome.Failed, Message = problem.Words, Mode = FactsMode.Changes,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A link to connect the books again, for sources connected over OAuth with the Bot's address known; null otherwise.</summary>
    private async Task<Connections.ConnectLink?> ReconnectLinkAsync(string source, string approver, CancellationToken cancellationToken)
    {
        if (connections.Books(source) is not { CanConnect: true })
            return null;
        try
        {
            return await connections.StartAsync(source, approver, Connections.OAuthConnections.ReconnectValidity, cancellationToken);
        }
        catch (Connections.ConnectProblemException)
        {
            return null; // no Bot:PublicUrl: the message names the command instead
        }
    }

    private static string Hours(TimeSpan span) => Text.Counted.Of((int)span.TotalHours, "hour");

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
            var account = await Find(source)!.AccountAsync(cancellationToken);
            states.Add(new SourceState(source, name, connected, written?.FinishedAt, written?.AsOf,
                connected && (written?.AsOf is not { } asOf || now - asOf > options.Value.MaxStaleness),
                account?.Refused ?? (latest?.Outcome == ImportOutcome.Failed ? latest.Message : null),
                account?.Organisation, account?.CallsLeftToday,
                account is { CallsLeftToday: { } left, DayLimit: { } limit }
                    ? $"{left:N0} of {limit:N0} calls left today" + (account.BudgetLow ? " (low: syncs wait for tomorrow's)" : "")
                    : null));
        }
        return states;
    }
}
