using System.Globalization;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>
/// QuickBooks Online, connected over OAuth. The first sync queries every invoice, 1,000 a page (a snapshot); later syncs
/// ask Change Data Capture for the invoices, payments and credit memos changed since the last (a list of changes),
/// and read again the invoices a payment paid. Change Data Capture looks back 30 days and returns at most 1,000 of
/// each: past either, every invoice is queried again, said in the log. A webhook names what changed and those
/// invoices are read again. An invoice deleted in QuickBooks is no longer owed: it is kept in the ledger as void.
/// </summary>
public sealed class QuickBooksSource(IOptions<SourcesOptions> options, IOptions<ExportOptions> exports, QuickBooksApi api, OAuthConnections connections,
    LedgerSync ledger, IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock, ILogger<QuickBooksSource> log) : IInvoiceSource
{
    public const string Name = "quickbooks";

    string IInvoiceSource.Name => Name;
    public string DisplayName => "QuickBooks";
    private const string Label = "QuickBooks sync";
    private const string CursorPrefix = "changed-since:";

    /// <summary>How far back Change Data Capture reaches (Intuit's documentation: 30 days).</summary>
    public static readonly TimeSpan ChangesKept = TimeSpan.FromDays(30);

    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    public bool Configured => options.Value.QuickBooks.CanConnect && connections.Holds(Name);

    public async Task<ImportSummary> SyncAsync(string startedBy, CancellationToken cancellationToken = default)
    {
        var (cursor, _) = await ledger.LastAsync(Name, cancellationToken);
        var now = clock.GetUtcNow();
        if (Since(cursor) is not { } since)
            return await ListEverythingAsync(startedBy, cancellationToken);
        if (since - Overlap < now - ChangesKept)
        {
            log.LogWarning("QuickBooks: the last sync read changes up to {Since:u}, more than the {Days} days Change Data Capture keeps: querying every invoice again",
                since, ChangesKept.TotalDays);
            return await ListEverythingAsync(startedBy, cancellationToken);
        }

        var changes = await api.ChangesAsync(since - Overlap, cancellationToken);
        var sets = changes?.CDCResponse?.SelectMany(c => c.QueryResponse ?? []).ToList() ?? [];
        var invoices = sets.SelectMany(q => q.Invoice ?? []).ToList();
        if (invoices.Count >= QuickBooksApi.PageSize)
        {
            log.LogWarning("QuickBooks: {Count} invoices changed since {Since:u}, more than Change Data Capture returns at once: querying every invoice again",
                invoices.Count, since);
            return await ListEverythingAsync(startedBy, cancellationToken);
        }
        // A payment changes its invoices' balances; they are read again whether or not they came back changed themselves.
        var paid = QuickBooksApi.PaidInvoices(sets.SelectMany(q => q.Payment ?? [])).Except(invoices.Select(i => i.Id)).ToList();
        if (paid.Count > 0)
            invoices.AddRange(await api.InvoicesAsync(paid, cancellationToken));
        var facts = await FactsAsync(invoices, cancellationToken);
        log.LogInformation("QuickBooks: changes since {Since:u} name {Invoices}", since, Text.Counted.Of(invoices.Count, "invoice"));
        var at = QuickBooksApi.Time(changes?.Time) ?? now;
        return await ledger.ApplyAsync(new SourceFacts(Name, Label, now.UtcDateTime, FactsMode.Changes, Cursor(at), facts), startedBy, cancellationToken);
    }

    /// <summary>These invoices read again as they are now; one QuickBooks no longer has was deleted there.</summary>
    public async Task<ImportSummary> RefreshAsync(IReadOnlyCollection<string> invoiceIds, string startedBy, CancellationToken cancellationToken = default)
    {
        var (cursor, _) = await ledger.LastAsync(Name, cancellationToken);
        var found = await api.InvoicesAsync(invoiceIds, cancellationToken);
        var gone = invoiceIds.Except(found.Select(i => i.Id)).Select(id => new QuickBooksInvoice(id, null, null, null, 0, 0, null, null, null, null, null, null, null, "Deleted"));
        var facts = await FactsAsync([.. found, .. gone], cancellationToken);
        return await ledger.ApplyAsync(new SourceFacts(Name, "QuickBooks webhook", clock.GetUtcNow().UtcDateTime, FactsMode.Changes, cursor, facts),
            startedBy, cancellationToken);
    }

    /// <summary>What payments paid, for a webhook that names payments.</summary>
    public Task<List<string>> InvoicesPaidByAsync(IEnumerable<string> paymentIds, CancellationToken cancellationToken) =>
        api.InvoicesPaidByAsync(paymentIds, cancellationToken);

    public async Task<SourceAccount?> AccountAsync(CancellationToken cancellationToken) =>
        await connections.StateAsync(Name, cancellationToken) is { } state
            ? new SourceAccount(state.TenantName ?? $"company {state.Tenant}", null, null, false, state.RevokedAt is null ? null : state.Problem)
            : null;

    public SourceProblem? Explain(Exception error) => error switch
    {
        ConnectionRefusedException refused => new($"{refused.Message}: reconnect it with `/chase connect quickbooks` (or `connect quickbooks` on the command line)",
            true, "QuickBooks disconnected ChaseBot"),
        QuickBooksApiException { Status: System.Net.HttpStatusCode.Forbidden } => new(
            "QuickBooks refused to show ChaseBot the invoices (403): the company's subscription lapsed or the user who connected it lost access; reconnect with `connect quickbooks`",
            true, "QuickBooks refused ChaseBot"),
        QuickBooksApiException { Status: System.Net.HttpStatusCode.TooManyRequests } => new("QuickBooks asked ChaseBot to slow down (429); the next sync tries again", false),
        QuickBooksApiException api => new($"{api.Message}; the next sync tries again", false),
        HttpRequestException or TaskCanceledException => new($"QuickBooks could not be reached ({error.GetType().Name}); the next sync tries again", false),
        _ => null,
    };

    private async Task<ImportSummary> ListEverythingAsync(string startedBy, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var (invoices, at) = await api.AllInvoicesAsync(cancellationToken);
        log.LogInformation("QuickBooks: queried {Count} invoices", invoices.Count);
        // Changes from the moment the first page was read are read by the next sync: nothing changed meanwhile is lost.
        return await ledger.ApplyAsync(new SourceFacts(Name, Label, started.UtcDateTime, FactsMode.Snapshot, Cursor(at ?? started),
            await FactsAsync(invoices, cancellationToken)), startedBy, cancellationToken);
    }

    /// <summary>The facts; a deleted invoice that the ledger holds becomes void there (nothing owed), one it never held is nothing.</summary>
    private async Task<List<InvoiceFacts>> FactsAsync(IReadOnlyList<QuickBooksInvoice> invoices, CancellationToken cancellationToken)
    {
        var home = exports.Value.DefaultCurrency;
        var facts = invoices.Where(i => !QuickBooksFacts.IsDeleted(i)).Select(i => QuickBooksFacts.Of(i, home)).ToList();
        var deleted = invoices.Where(QuickBooksFacts.IsDeleted).Select(i => i.Id).ToList();
        if (deleted.Count == 0)
            return facts;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var held = await db.Invoices.AsNoTracking().Include(i => i.Client)
            .Where(i => i.Source == Name && i.SourceId != null && deleted.Contains(i.SourceId)).ToListAsync(cancellationToken);
        foreach (var invoice in held)
        {
            log.LogInformation("QuickBooks: invoice {Number} was deleted there; it is void here", invoice.Number);
            facts.Add(new InvoiceFacts(0, invoice.Number, invoice.Client.Name, invoice.Client.BillingEmail, invoice.IssueDate, invoice.DueDate,
                invoice.Currency, invoice.Total, invoice.AmountPaid, 0, InvoiceStatus.Void, SourceId: invoice.SourceId));
        }
        return facts;
    }

    private static string Cursor(DateTimeOffset at) => CursorPrefix + at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Since(string? cursor) =>
        cursor is not null && cursor.StartsWith(CursorPrefix, StringComparison.Ordinal) ? QuickBooksApi.Time(cursor[CursorPrefix.Length..]) : null;
}
