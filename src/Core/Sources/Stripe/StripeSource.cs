using System.Globalization;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using Event = Stripe.Event;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace ChaseBot.Core.Sources.Stripe;

/// <summary>
/// Stripe, read with a restricted key. The first sync lists every invoice (a snapshot); later syncs read the events of
/// type <c>invoice.*</c> and <c>credit_note.*</c> since the last one seen and read those invoices again as they are now
/// (a list of changes). Stripe keeps events 30 days: a sync that would need older ones lists every invoice again.
/// A webhook reads the invoices its event names at once (<see cref="RefreshAsync"/>).
/// </summary>
public sealed class StripeSource(IOptions<SourcesOptions> options, LedgerSync ledger, TimeProvider clock, ILogger<StripeSource> log) : IInvoiceSource
{
    public const string Name = "stripe";

    string IInvoiceSource.Name => Name;
    public string DisplayName => "Stripe";
    private const string Label = "Stripe sync";

    /// <summary>How long Stripe keeps events (its API reference: "events going back 30 days").</summary>
    public static readonly TimeSpan EventsKept = TimeSpan.FromDays(30);

    /// <summary>Events are read from a little before the last one seen: one created while a sync ran is not missed, and reading one twice changes nothing.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    private const string CursorPrefix = "events-since:";

    private readonly Lazy<StripeClient> _client = new(() => new StripeClient(options.Value.Stripe.ApiKey,
        httpClient: new SystemNetHttpClient(new HttpClient(new RateLimitRetry(clock)
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) },
        }) { Timeout = TimeSpan.FromSeconds(90) }, maxNetworkRetries: 2),
        apiBase: options.Value.Stripe.ApiBaseUrl.TrimEnd('/')));

    public bool Configured => options.Value.Stripe.Configured;

    public async Task<ImportSummary> SyncAsync(string startedBy, CancellationToken cancellationToken = default)
    {
        var (cursor, _) = await ledger.LastAsync(Name, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (Since(cursor) is not { } since)
            return await ListEverythingAsync(startedBy, cancellationToken);
        if (since - Overlap < now - EventsKept)
        {
            log.LogWarning("Stripe: the last sync read events up to {Since:u}, more than the {Days} days Stripe keeps them: listing every invoice again",
                since, EventsKept.TotalDays);
            return await ListEverythingAsync(startedBy, cancellationToken);
        }

        var events = new EventService(_client.Value);
        var ids = new List<string>();
        var newest = since;
        await foreach (var e in events.ListAutoPagingAsync(new EventListOptions
                       {
                           Types = ["invoice.*", "credit_note.*"], Limit = 100,
                           Created = new DateRangeOptions { GreaterThanOrEqual = since - Overlap },
                       }, cancellationToken: cancellationToken))
        {
            if (InvoiceOf(e) is { } id && !ids.Contains(id))
                ids.Add(id);
            if (e.Created > newest)
                newest = e.Created;
        }
        var facts = await ReadAsync(ids, cancellationToken);
        log.LogInformation("Stripe: the events since {Since:u} name {Invoices}", since, Text.Counted.Of(ids.Count, "invoice"));
        return await ledger.ApplyAsync(new SourceFacts(Name, Label, now, FactsMode.Changes, Cursor(newest), facts), startedBy, cancellationToken);
    }

    /// <summary>What people can act on, from the status alone (Stripe's messages never hold the key, but they are not needed).</summary>
    public SourceProblem? Explain(Exception error) => error switch
    {
        StripeException { HttpStatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } => new(
            "Stripe refused ChaseBot's key (revoked, expired, or without read access to invoices and events): set Sources:Stripe:ApiKey to a restricted key again",
            Refused: true),
        StripeException { HttpStatusCode: (System.Net.HttpStatusCode)429 } => new("Stripe asked ChaseBot to slow down (429); the next sync tries again", false),
        StripeException s => new($"Stripe answered {(int)s.HttpStatusCode}; the next sync tries again", false),
        HttpRequestException or TaskCanceledException => new($"Stripe could not be reached ({error.GetType().Name}); the next sync tries again", false),
        _ => null,
    };

    /// <summary>The invoices a webhook's event named, read again as they are now.</summary>
    public async Task<ImportSummary> RefreshAsync(IReadOnlyCollection<string> invoiceIds, string startedBy, CancellationToken cancellationToken = default)
    {
        var (cursor, _) = await ledger.LastAsync(Name, cancellationToken); // a webhook does not move where the next sync reads events from
        var facts = await ReadAsync(invoiceIds, cancellationToken);
        return await ledger.ApplyAsync(new SourceFacts(Name, "Stripe webhook", clock.GetUtcNow().UtcDateTime, FactsMode.Changes, cursor, facts),
            startedBy, cancellationToken);
    }

    private async Task<ImportSummary> ListEverythingAsync(string startedBy, CancellationToken cancellationToken)
    {
        // Events from the moment the list starts are read by the next sync: nothing changed during the listing is lost.
        var started = clock.GetUtcNow().UtcDateTime;
        var facts = new List<InvoiceFacts>();
        await foreach (var invoice in new InvoiceService(_client.Value).ListAutoPagingAsync(new InvoiceListOptions { Limit = 100 },
                           cancellationToken: cancellationToken))
            facts.Add(StripeFacts.Of(invoice));
        log.LogInformation("Stripe: listed {Count} invoices", facts.Count);
        return await ledger.ApplyAsync(new SourceFacts(Name, Label, started, FactsMode.Snapshot, Cursor(started), facts), startedBy, cancellationToken);
    }

    private async Task<List<InvoiceFacts>> ReadAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var service = new InvoiceService(_client.Value);
        var facts = new List<InvoiceFacts>();
        foreach (var id in ids)
        {
            try
            {
                facts.Add(StripeFacts.Of(await service.GetAsync(id, cancellationToken: cancellationToken)));
            }
            catch (StripeException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // A draft deleted in Stripe: it was never sent, so there is nothing to chase or to keep.
                log.LogInformation("Stripe: invoice {Id} no longer exists (a deleted draft)", id);
            }
        }
        return facts;
    }

    /// <summary>The invoice an event is about: the invoice itself, or the one a credit note credits.</summary>
    public static string? InvoiceOf(Event e) => e.Data?.Object switch
    {
        global::Stripe.Invoice invoice => invoice.Id,
        CreditNote note => note.InvoiceId,
        _ => null,
    };

    private static string Cursor(DateTime at) =>
        CursorPrefix + new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static DateTime? Since(string? cursor) =>
        cursor is not null && cursor.StartsWith(CursorPrefix, StringComparison.Ordinal) &&
        long.TryParse(cursor[CursorPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : null;
}
