using System.Diagnostics.Metrics;
using ChaseBot.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

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

    /// <summary>chasebot_import_duration_seconds{source, outcome}: an export file read ("files") or a connected source synced.</summary>
    public static readonly Histogram<double> ImportDuration = Meter.CreateHistogram("chasebot_import_duration", unit: "s",
        description: "How long an import of an export file (source=files) or a sync of connected books (source=stripe, xero, quickbooks) took, by outcome",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    /// <summary>chasebot_status_answers_total{surface}: status asked for in chat, on the Home tab or the command line.</summary>
    public static readonly Counter<long> StatusAnswers = Meter.CreateCounter<long>("chasebot_status_answers",
        description: "Status answers given, by where they were asked (command, home)");

    /// <summary>chasebot_status_latency_seconds{surface}: from the question to the composed answer.</summary>
    public static readonly Histogram<double> StatusLatency = Meter.CreateHistogram("chasebot_status_latency", unit: "s",
        description: "How long a status answer took to compose, by where it was asked",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static void RecordImport(string source, Ledger.ImportOutcome outcome, TimeSpan took) =>
        ImportDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));

    public static void RecordStatus(string surface, TimeSpan took)
    {
        var where = new KeyValuePair<string, object?>("surface", surface);
        StatusAnswers.Add(1, where);
        StatusLatency.Record(took.TotalSeconds, where);
    }

    /// <summary>
    /// The meters and the trace source, the Prometheus exporter and, when OpenTelemetry:Endpoint is set, OTLP to it, all
    /// under the service's name (chasebot-bot, chasebot-worker) so one collector can tell the two apart.
    /// </summary>
    public static IServiceCollection AddChaseMetrics(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        services.AddSingleton<LedgerGauges>();
        var endpoint = configuration["OpenTelemetry:Endpoint"] is { Length: > 0 } configured ? new Uri(configured) : null;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                // Each scrape is collected afresh (the ledger's gauges keep their own few seconds).
                metrics.AddMeter(MeterName, LedgerGauges.MeterName).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (endpoint is not null)
                    metrics.AddOtlpExporter(o => o.Endpoint = endpoint);
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(ChaseTraces.SourceName);
                if (endpoint is not null)
                    tracing.AddOtlpExporter(o => o.Endpoint = endpoint);
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
        IReadOnlyList<(string Currency, string Bucket, decimal Amount)> Overdue, IReadOnlyList<(string Source, double Seconds)> Lag);

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
        meter.CreateObservableGauge("chasebot_import_lag", () => Read().Lag.Select(l => new Measurement<double>(l.Seconds,
                new KeyValuePair<string, object?>("source", l.Source))),
            unit: "s", description: "How long ago the last import that worked finished: export files (source=files) or each connected source");
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
        var lastGood = db.ImportRuns.AsNoTracking()
            .Where(r => r.FinishedAt != null && (r.Outcome == Ledger.ImportOutcome.Imported || r.Outcome == Ledger.ImportOutcome.AlreadyImported))
            .GroupBy(r => r.Source).Select(g => new { g.Key, Last = g.Max(r => r.FinishedAt) }).ToList();
        var lag = lastGood.Select(l => (l.Key ?? "files", Math.Max(0, (utcNow - l.Last!.Value).TotalSeconds))).ToList();
        return new Reading(depth, oldest is { } at ? Math.Max(0, (utcNow - at).TotalSeconds) : 0, proposals, overdue, lag);
    }
}
