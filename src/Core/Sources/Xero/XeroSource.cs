using System.Globalization;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.Xero;

/// <summary>
/// Xero, connected over OAuth. The first sync lists every sales invoice that is awaiting payment, paid or voided (a
/// snapshot); later syncs ask only for those changed since the last change seen (If-Modified-Since, every status, so a
/// void or a deletion is seen too). A webhook names the invoices that changed and they are read again by id, a hundred
/// to a call. Each open invoice's online page (where the client pays) is read for the invoices about to be chased,
/// a few per sync, because Xero gives it one call per invoice.
/// </summary>
public sealed class XeroSource(IOptions<SourcesOptions> options, XeroApi api, OAuthConnections connections, LedgerSync ledger,
    IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock, ILogger<XeroSource> log) : IInvoiceSource
{
    public const string Name = "xero";

    string IInvoiceSource.Name => Name;
    public string DisplayName => "Xero";
    private const string Label = "Xero sync";
    private const string CursorPrefix = "modified-since:";

    /// <summary>What a first sync lists: drafts were never sent, so they are nobody's to chase.</summary>
    private const string ListedStatuses = "AUTHORISED,PAID,VOIDED";

    /// <summary>Changes are read from a little before the last one seen: Xero's clock and the order of a page are not ours to trust to the second.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>Online pages read per sync at most: each is a call, and the day has 5,000 for everything.</summary>
    internal const int LinksPerSync = 20;

    private XeroSourceOptions Xero => options.Value.Xero;

    /// <summary>The app is configured and someone connected an organisation (a refused connection still counts: its clients are held until it is reconnected).</summary>
    public bool Configured => Xero.CanConnect && connections.Holds(Name);

    public async Task<ImportSummary> SyncAsync(string startedBy, CancellationToken cancellationToken = default)
    {
        try
        {
            var (cursor, _) = await ledger.LastAsync(Name, cancellationToken);
            var since = Since(cursor);
            var mode = since is null ? FactsMode.Snapshot : FactsMode.Changes;
            var started = clock.GetUtcNow().UtcDateTime;
            var invoices = new List<XeroInvoice>();
            for (var page = 1; ; page++)
            {
                var batch = await api.InvoicesAsync(page, since - Overlap, since is null ? ListedStatuses : null, cancellationToken);
                invoices.AddRange(batch.Where(XeroFacts.IsReceivable));
                if (batch.Count < XeroApi.PageSize)
                    break;
            }
            var newest = invoices.Select(i => XeroDates.Parse(i.UpdatedDateUTC)).Max() ?? since ?? started;
            var facts = await FactsWithLinksAsync(invoices, LinksPerSync, cancellationToken);
            log.LogInformation("Xero: {What} {Invoices}", since is null ? "listed" : $"changes since {since:u} name", Text.Counted.Of(invoices.Count, "invoice"));
            return await ledger.ApplyAsync(new SourceFacts(Name, Label, started, mode, Cursor(newest), facts), startedBy, cancellationToken);
        }
        finally
        {
            await api.SaveBudgetAsync(CancellationToken.None);
        }
    }

    /// <summary>The invoices a webhook or the check before sending named, read again as they are now, with their online pages where missing.</summary>
    public async Task<ImportSummary> RefreshAsync(IReadOnlyCollection<string> invoiceIds, string startedBy, CancellationToken cancellationToken = default)
    {
        try
        {
            var (cursor, _) = await ledger.LastAsync(Name, cancellationToken); // only a sync moves where the next one reads from
            var invoices = (await api.InvoicesByIdAsync(invoiceIds, cancellationToken)).Where(XeroFacts.IsReceivable).ToList();
            var facts = await FactsWithLinksAsync(invoices, invoiceIds.Count, cancellationToken);
            return await ledger.ApplyAsync(new SourceFacts(Name, "Xero webhook", clock.GetUtcNow().UtcDateTime, FactsMode.Changes, cursor, facts),
                startedBy, cancellationToken);
        }
        finally
        {
            await api.SaveBudgetAsync(CancellationToken.None);
        }
    }

    public async Task<SourceAccount?> AccountAsync(CancellationToken cancellationToken)
    {
        if (await connections.StateAsync(Name, cancellationToken) is not { } state)
            return null;
        var left = state.DayCallsLeft;
        return new SourceAccount(state.TenantName ?? state.Tenant, left, XeroApi.DayLimit, left is < XeroApi.DayBudgetLow,
            state.RevokedAt is null ? null : state.Problem);
    }

    public SourceProblem? Explain(Exception error) => error switch
    {
        ConnectionRefusedException refused => new($"{refused.Message}: reconnect it with `/chase connect xero` (or `connect xero` on the command line)", true,
            "Xero disconnected ChaseBot"),
        XeroApiException { Limit: "day" } limited => new(
            $"Xero's limit of {XeroApi.DayLimit:N0} calls a day for this organisation is used up" +
            (limited.RetryAfter is { } after ? $"; syncing resumes in {Hours(after)}" : "; syncing resumes tomorrow"), false),
        XeroApiException { Status: System.Net.HttpStatusCode.TooManyRequests } => new("Xero asked ChaseBot to slow down (429); the next sync tries again", false),
        XeroApiException { Status: System.Net.HttpStatusCode.Forbidden } => new(
            "Xero refused to show ChaseBot the invoices (403): the connection lacks the invoices scope, or the organisation's subscription lapsed; reconnect with `connect xero`", true,
            "Xero refused ChaseBot"),
        XeroApiException api => new($"{api.Message}; the next sync tries again", false),
        HttpRequestException or TaskCanceledException => new($"Xero could not be reached ({error.GetType().Name}); the next sync tries again", false),
        _ => null,
    };

    /// <summary>
    /// The facts, with the online page of open, overdue invoices that have none in the ledger yet, at most
    /// <paramref name="links"/> of them (most overdue first): the ones about to be chased are the ones that need it.
    /// </summary>
    private async Task<List<InvoiceFacts>> FactsWithLinksAsync(IReadOnlyList<XeroInvoice> invoices, int links, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var open = invoices.Where(i => i.AmountDue > 0 && (i.Status ?? "").Equals("AUTHORISED", StringComparison.OrdinalIgnoreCase) &&
                                       XeroDates.Day(i.DueDate) is { } due && due <= today.AddDays(3))
            .OrderBy(i => XeroDates.Day(i.DueDate)).Select(i => i.InvoiceID).ToList();
        var found = new Dictionary<string, string>();
        if (open.Count > 0 && links > 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var linked = await db.Invoices.AsNoTracking().Where(i => i.Source == Name && i.SourceId != null && open.Contains(i.SourceId) && i.PaymentLink != null)
                .Select(i => i.SourceId!).ToListAsync(cancellationToken);
            var budget = api.Budget.Day;
            foreach (var id in open.Except(linked).Take(budget is < XeroApi.DayBudgetLow ? 0 : links))
                if (await api.OnlineInvoiceAsync(id, cancellationToken) is { } url)
                    found[id] = url;
        }
        return [.. invoices.Select(i => XeroFacts.Of(i, found.GetValueOrDefault(i.InvoiceID)))];
    }

    private static string Hours(TimeSpan span) => span.TotalHours >= 1 ? Text.Counted.Of((int)Math.Ceiling(span.TotalHours), "hour") : Text.Counted.Of((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Cursor(DateTime at) => CursorPrefix + DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);

    private static DateTime? Since(string? cursor) =>
        cursor is not null && cursor.StartsWith(CursorPrefix, StringComparison.Ordinal) &&
        DateTimeOffset.TryParse(cursor[CursorPrefix.Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : null;
}
