using System.Diagnostics.Metrics;
using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ChaseBot.Core.Telemetry;

/// <summary>
/// What operators watch, as OpenTelemetry instruments on the "ChaseBot" meter: counted where the work happens
/// (messages by platform and outcome, refused requests), and read from the ledger when scraped (outbox depth and the
/// age of its oldest row, proposals by state, the overdue amount by currency and age). Labels are never personal:
/// no client names, people or addresses, only platforms, outcomes, states, currencies and age buckets.
/// </summary>
public static class ChaseMetrics
{
    public const string MeterName = "ChaseBot";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>chasebot_messages_total{platform, outcome}: sent, retrying, dead_lettered, held.</summary>
    public static readonly Counter<long> Messages = Meter.CreateCounter<long>("chasebot_messages",
        description: "Outbox messages by platform and outcome (sent, retrying, dead_lettered, held)");

    /// <summary>chasebot_refused_requests_total{endpoint}: a signature or token that did not check out, before the body was read.</summary>
    public static readonly Counter<long> Refused = Meter.CreateCounter<long>("chasebot_refused_requests",
        description: "Inbound requests refused before they were read for meaning (signature or token), by endpoint");

    /// <summary>The meter, its Prometheus exporter and, when OpenTelemetry:Endpoint is set, OTLP to it.</summary>
    public static IServiceCollection AddChaseMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LedgerGauges>();
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // Each scrape is collected afresh (the ledger's gauges keep their own few seconds).
            metrics.AddMeter(MeterName, LedgerGauges.MeterName).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (configuration["OpenTelemetry:Endpoint"] is { Length: > 0 } endpoint)
                metrics.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
        });
        return services;
    }

    /// <summary>GET /metrics, Prometheus' text format; like the health probes it needs no authentication and says nothing secret.</summary>
    public static IEndpointRouteBuilder MapChaseMetrics(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<LedgerGauges>(); // its gauges exist from the first scrape
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}

/// <summary>
/// The gauges read from the ledger when scraped, each reading kept <see cref="Fresh"/> so a scrape every few seconds
/// costs one small query. Its meter comes from this host's meter factory, so two hosts in one process (the tests)
/// never report each other's ledger.
/// </summary>
public sealed class LedgerGauges
{
    public const string MeterName = "ChaseBot.Ledger";
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<ChaseDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly Lock _reading = new();
    private (long At, Reading Value)? _last;

    private sealed record Reading(int OutboxDepth, double OldestSeconds, IReadOnlyList<(string State, int Count)> Proposals,
        IReadOnlyList<(string Currency, string Bucket, decimal Amount)> Overdue);

    private readonly Chasing.ChaseSettings _settings;

    public LedgerGauges(IMeterFactory meters, IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock, Chasing.ChaseSettings settings)
    {
        (_dbFactory, _clock, _settings) = (dbFactory, clock, settings);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("chasebot_outbox_depth", () => Read().OutboxDepth, description: "Messages waiting in the outbox (not delivered, not dead-lettered)");
        meter.CreateObservableGauge("chasebot_outbox_oldest_age", () => Read().OldestSeconds, unit: "s", description: "How long the oldest waiting message has been due");
        meter.CreateObservableGauge("chasebot_proposals", () => Read().Proposals.Select(p => new Measurement<int>(p.Count, new KeyValuePair<string, object?>("state", p.State))),
            description: "Proposals by state");
        meter.CreateObservableGauge("chasebot_overdue_amount", () => Read().Overdue.Select(o => new Measurement<double>((double)o.Amount,
                new KeyValuePair<string, object?>("currency", o.Currency), new KeyValuePair<string, object?>("bucket", o.Bucket))),
            description: "Amount overdue by currency and days past due");
    }

    private Reading Read()
    {
        lock (_reading)
        {
            var now = _clock.GetTimestamp();
            if (_last is { } last && _clock.GetElapsedTime(last.At, now) < Fresh)
                return last.Value;
            var value = ReadLedger();
            _last = (now, value);
            return value;
        }
    }

    private Reading ReadLedger()
    {
        using var db = _dbFactory.CreateDbContext();
        var utcNow = _clock.GetUtcNow().UtcDateTime;
        var waiting = db.Outbox.AsNoTracking().Where(m => m.DeliveredAt == null && m.DeadLetteredAt == null);
        var depth = waiting.Count();
        var oldest = waiting.Where(m => m.NotBefore <= utcNow).OrderBy(m => m.NotBefore).Select(m => (DateTime?)m.NotBefore).FirstOrDefault();
        var proposals = db.Proposals.AsNoTracking().GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToList()
            .Select(p => (p.Key.ToString().ToLowerInvariant(), p.Count)).ToList();
        // The same aging as status and the digest, on the chase's own day.
        var totals = Reports.LedgerStatus.SummaryAsync(db, _settings.Calendar.Today(_clock.GetUtcNow()), 0, CancellationToken.None).GetAwaiter().GetResult().Totals;
        var overdue = totals.SelectMany(t => new[] { ("1-30", t.Days1To30), ("31-60", t.Days31To60), ("61-90", t.Days61To90), ("90+", t.Over90) }
            .Where(b => b.Item2 > 0).Select(b => (t.Currency, b.Item1, b.Item2))).ToList();
        return new Reading(depth, oldest is { } at ? Math.Max(0, (utcNow - at).TotalSeconds) : 0, proposals, overdue);
    }
}
