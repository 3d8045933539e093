using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>QuickBooks answered with an error ChaseBot cannot read past; the status says which.</summary>
public sealed class QuickBooksApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// A typed client for the parts of the QuickBooks Online Accounting API ChaseBot reads, on its documented JSON, at
/// minor version 75: the query endpoint (1,000 a page), Change Data Capture, and the company's name. Intuit's limits
/// per company are 500 calls a minute and 10 at once: calls here go at most 10 at once, and a 429 is waited out
/// (<see cref="RateLimitRetry"/>: Intuit gives no Retry-After, so 1, 2, 4 seconds). An access token Intuit refuses is
/// refreshed once and the call made again.
/// </summary>
public sealed class QuickBooksApi(IOptions<SourcesOptions> options, OAuthConnections connections, TimeProvider clock)
{
    public const int MinorVersion = 75;

    /// <summary>The most a query returns (MAXRESULTS), and the most Change Data Capture returns of one entity.</summary>
    public const int PageSize = 1000;

    /// <summary>Ids in one <c>where Id in (…)</c>: a short query string, and well inside a page.</summary>
    public const int IdsPerQuery = 100;

    private readonly SemaphoreSlim _atOnce = new(10, 10);

    private readonly Lazy<HttpClient> _http = new(() => new HttpClient(new RateLimitRetry(clock)
    {
        InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15), AutomaticDecompression = DecompressionMethods.All },
    })
    {
        BaseAddress = new Uri(options.Value.QuickBooks.ApiBaseUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(90),
    });

    /// <summary>One page of a query, e.g. <c>select * from Invoice STARTPOSITION 1 MAXRESULTS 1000</c>.</summary>
    public Task<QuickBooksQuery?> QueryAsync(string query, CancellationToken cancellationToken) =>
        GetAsync($"query?query={Uri.EscapeDataString(query)}&include=invoiceLink", QuickBooksJson.Default.QuickBooksQuery, cancellationToken);

    /// <summary>Every invoice, a page of 1,000 at a time, with the server's time at the first page (where the next changes start).</summary>
    public async Task<(List<QuickBooksInvoice> Invoices, DateTimeOffset? At)> AllInvoicesAsync(CancellationToken cancellationToken)
    {
        var all = new List<QuickBooksInvoice>();
        DateTimeOffset? at = null;
        for (var start = 1; ; start += PageSize)
        {
            var page = await QueryAsync($"select * from Invoice STARTPOSITION {start} MAXRESULTS {PageSize}", cancellationToken);
            at ??= Time(page?.Time);
            var invoices = page?.QueryResponse?.Invoice ?? [];
            all.AddRange(invoices);
            if (invoices.Count < PageSize)
                return (all, at);
        }
    }

    /// <summary>These invoices as they are now, a hundred ids to a query.</summary>
    public async Task<List<QuickBooksInvoice>> InvoicesAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        await ByIdAsync(ids, "Invoice", q => q?.QueryResponse?.Invoice, cancellationToken);

    /// <summary>The invoices these payments paid.</summary>
    public async Task<List<string>> InvoicesPaidByAsync(IEnumerable<string> paymentIds, CancellationToken cancellationToken) =>
        [.. PaidInvoices(await ByIdAsync(paymentIds, "Payment", q => q?.QueryResponse?.Payment, cancellationToken))];

    public static IEnumerable<string> PaidInvoices(IEnumerable<QuickBooksPayment> payments) =>
        payments.SelectMany(p => p.Line ?? []).SelectMany(l => l.LinkedTxn ?? [])
            .Where(t => string.Equals(t.TxnType, "Invoice", StringComparison.OrdinalIgnoreCase) && t.TxnId is { Length: > 0 })
            .Select(t => t.TxnId!).Distinct();

    /// <summary>What changed since <paramref name="since"/> (at most 30 days back): invoices, payments and credit memos.</summary>
    public Task<QuickBooksChanges?> ChangesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        GetAsync($"cdc?entities=Invoice,Payment,CreditMemo&changedSince={Uri.EscapeDataString(since.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))}",
            QuickBooksJson.Default.QuickBooksChanges, cancellationToken);

    public static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private async Task<List<T>> ByIdAsync<T>(IEnumerable<string> ids, string entity, Func<QuickBooksQuery?, IReadOnlyList<T>?> pick, CancellationToken cancellationToken)
    {
        var found = new List<T>();
        // Intuit's ids are digits; anything else is not asked for (and so never reaches the query's text).
        foreach (var chunk in ids.Where(id => id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit)).Distinct().Chunk(IdsPerQuery))
            found.AddRange(pick(await QueryAsync($"select * from {entity} where Id in ({string.Join(", ", chunk.Select(id => $"'{id}'"))}) MAXRESULTS {PageSize}",
                cancellationToken)) ?? []);
        return found;
    }

    private async Task<T?> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await _atOnce.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (token, realm) = await connections.AccessAsync(QuickBooksSource.Name, refusedJustNow: attempt > 1, cancellationToken);
                using var request = Request($"v3/company/{Uri.EscapeDataString(realm)}/{pathAndQuery}&minorversion={MinorVersion}", token);
                using var response = await _http.Value.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                    continue; // expired early or revoked: refresh once and see
                if (!response.IsSuccessStatusCode)
                    throw new QuickBooksApiException(response.StatusCode, $"QuickBooks answered {(int)response.StatusCode} to {pathAndQuery.Split('?')[0]}");
                return await response.Content.ReadFromJsonAsync(type, cancellationToken);
            }
        }
        finally
        {
            _atOnce.Release();
        }
    }

    internal static HttpRequestMessage Request(string pathAndQuery, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
