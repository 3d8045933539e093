using System.Globalization;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Digests;

/// <summary>
/// The digest for the team's channel: what is owed and how old it is, what changed since the last digest, what is
/// waiting for a decision, what the chase will do this week, and who pays latest (the figures of docs/figures.md). Morale answers never appear here.
/// </summary>
public sealed class ChannelDigest(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings chase, ChaseRunner runner,
    IOptions<DigestOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Posts the scheduled digest for today (once a day, however often the job runs). Nothing is composed on a day whose
    /// messages would all wait for a later day (a weekend, a quiet day): a digest is written for the day it is read, so
    /// Monday's covers the weekend once, instead of three arriving together, two of them already stale.
    /// </summary>
    public Task<bool> PostScheduledAsync(CancellationToken cancellationToken = default) =>
        QuietDay(clock.GetUtcNow()) ? Task.FromResult(false)
            : PostAsync($"scheduled:{chase.Calendar.Today(clock.GetUtcNow()):yyyy-MM-dd}", cancellationToken);

    /// <summary>Whether nothing posted now could be read today: the next allowed hour is on a later day.</summary>
    public bool QuietDay(DateTimeOffset now) => chase.Calendar.Today(chase.Calendar.NextAllowed(now)) > chase.Calendar.Today(now);

    /// <summary>The `digest` command: one now.</summary>
    public Task<bool> PostOnDemandAsync(CancellationToken cancellationToken = default) =>
        PostAsync($"on-demand:{clock.GetUtcNow().UtcTicks}", cancellationToken);

    private async Task<bool> PostAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Digests.AnyAsync(d => d.Key == key, cancellationToken))
            return false;
        var now = clock.GetUtcNow();
        var message = await ComposeAsync(db, now, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Digests.Add(new DigestRecord { Key = key, At = now.UtcDateTime });
        // The picture is drawn once, with the words, and kept: each platform sends these bytes whenever it delivers.
        var chart = await DrawAsync(db, chase.Calendar.Today(now), now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false; // Another Worker posted today's digest first.
        }
        message = message with { Picture = new ChatPicture(chart.Id, chart.AltText, $"receivables-{chart.AsOf:yyyy-MM-dd}.png", message.Title) };
        foreach (var channel in options.Value.EffectiveChannels(chase.DefaultChannel))
            OutboxQueue.Add(db, OutboxKey.Digest(key, channel), OutboxKinds.Digest, channel, message, now.UtcDateTime,
                chase.Calendar.NextAllowed(now).UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The aging chart as of <paramref name="today"/>, drawn and added to the ledger (saved with the digest).</summary>
    public static async Task<DigestChart> DrawAsync(ChaseDbContext db, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var data = await AgingChart.RunAsync(db, today, cancellationToken);
        var chart = new DigestChart { AsOf = today, Png = ChartPicture.Png(data), AltText = data.AltText(), CreatedAt = now.UtcDateTime };
        db.DigestCharts.Add(chart);
        return chart;
    }

    public async Task<ChatMessage> ComposeAsync(ChaseDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = chase.Calendar.Today(now);
        var last = await db.Digests.OrderByDescending(d => d.At).Select(d => (DateTime?)d.At).FirstOrDefaultAsync(cancellationToken);
        var since = last ?? now.UtcDateTime.AddDays(-7);
        var sinceDay = chase.Calendar.Today(new DateTimeOffset(since, TimeSpan.Zero));
        var lines = new List<string>();

        // The figures first, a few short lines per currency: a table of eight columns wrapped on a phone.
        var figures = await CollectionFigures.RunAsync(db, today, cancellationToken);
        lines.AddRange(FiguresText.CurrencyLines(figures));

        lines.Add(last is null ? "*In the last 7 days*" : $"*Since the last digest ({Text.ZoneTime.ClockAndDay(new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)), chase.Calendar.Zone)})*");
        var payments = await db.Payments.Where(p => p.RecordedAt > since).Select(p => new { p.Currency, p.Amount }).ToListAsync(cancellationToken);
        var newlyOverdue = await db.Invoices.Outstanding().CountAsync(i => i.DueDate >= sinceDay && i.DueDate < today, cancellationToken);
        var disputes = await db.Disputes.CountAsync(d => d.OpenedAt > since, cancellationToken);
        var promises = await db.PaymentPromises.CountAsync(p => p.RecordedAt > since, cancellationToken);
        var broken = await db.AuditEntries.CountAsync(a => a.Action == AuditActions.PromiseBroken && a.At > since, cancellationToken);
        lines.Add($"Paid: {(payments.Count == 0 ? "none" : string.Join(", ", payments.GroupBy(p => p.Currency).Select(g => $"{g.Key} {Money.Format(g.Sum(p => p.Amount))} ({g.Count()})")))}" +
                  $" · newly overdue: {newlyOverdue} · disputes: {disputes} · promises: {promises} · broken promises: {broken}");

        var waiting = await db.Proposals.Where(p => p.Status == ProposalStatus.Pending)
            .OrderBy(p => p.PutOn ?? p.ProposedOn)
            .Select(p => new { p.Id, p.Step, ProposedOn = p.PutOn ?? p.ProposedOn, p.Invoice.Number, Client = p.Invoice.Client.Name, Covers = p.Covers.Count, p.CaseId })
            .Take(20).ToListAsync(cancellationToken);
        lines.Add($"*Waiting for a decision* ({await db.Proposals.CountAsync(p => p.Status == ProposalStatus.Pending, cancellationToken)})");
        lines.AddRange(waiting.Select(p => $"#{p.Id} {chase.Ladder.Find(p.Step)?.Title ?? p.Step} for " +
                                           (p.CaseId is null ? $"{p.Number} ({p.Client}), " : $"{p.Client} ({Text.Counted.Of(p.Covers, "invoice")}), ") +
                                           (today.DayNumber - p.ProposedOn.DayNumber is var waited && waited == 0 ? "waiting since today" : $"waiting {Text.Counted.Of(waited, "day")}")));

        // Catch-up without a flood: cases whose rung is due but not proposed yet, because a run proposes only so many.
        var (nextRun, later) = await runner.CatchUpAsync(today, cancellationToken);
        if (later > 0)
            lines.Add($"{Text.Counted.Of(nextRun + later, "more client")} {(nextRun + later == 1 ? "is" : "are")} due a proposal not posted yet: " +
                      $"{nextRun} in the next run, {later} after it. A run proposes at most {Text.Counted.Of(chase.MaxNewProposalsPerRun, "new one")} " +
                      "(Chase:MaxNewProposalsPerRun), the most overdue first.");

        lines.Add("*Coming up this week*");
        var upcoming = new List<string>();
        var announced = new HashSet<string>();
        for (var day = today.AddDays(1); day <= today.AddDays(7) && upcoming.Count < 15; day = day.AddDays(1))
            foreach (var entry in await runner.PlanAsync(day, cancellationToken))
                if (entry.Kind is "nudge" or "proposal" && announced.Add(entry.Invoice))
                {
                    var step = entry.Step is null ? null : chase.Ladder.Find(entry.Step);
                    upcoming.Add($"{day:ddd d MMM}: {step?.Title ?? entry.Step ?? "a step"} for " + (step?.Kind == StepKind.Proposal
                        ? $"{entry.Client} ({Text.Counted.Of(entry.Invoices.Count, "invoice")})"
                        : $"{entry.Invoice} ({entry.Client})"));
                }
        lines.AddRange(upcoming.Count == 0 ? ["Nothing new is due."] : upcoming.Take(15));

        lines.Add($"*How clients pay* (their last {CollectionFigures.PaidInvoicesCounted} paid invoices at most)");
        var latest = figures.Clients.Where(c => c.AverageDaysLate > 0).Take(3).ToList();
        lines.AddRange(latest.Count == 0 ? ["Not enough payment history yet."] : latest.Select(FiguresText.Record));
        lines.Add($"Promises: {figures.PromisesKept} kept, {figures.PromisesBroken} broken");

        return new ChatMessage { Title = $"Accounts receivable digest, {today:dddd d MMMM yyyy}", Lines = lines };
    }
}
