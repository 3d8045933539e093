using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.Xero;

/// <summary>Xero answered with an error ChaseBot cannot read past; the status (and, on 429, which limit and for how long) says why.</summary>
public sealed class XeroApiException(HttpStatusCode status, string message, string? limit = null, TimeSpan? retryAfter = null) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>On a 429, Xero's X-Rate-Limit-Problem: "minute", "day" or "concurrent".</summary>
    public string? Limit { get; } = limit;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// A typed client for the parts of Xero's Accounting API ChaseBot reads, on its documented JSON. Xero's limits per
/// organisation are 60 calls a minute, 5 at once and 5,000 a day: calls here go at most 5 at once, pause for the rest
/// of the minute when Xero says none are left (X-MinLimit-Remaining), wait out a 429's Retry-After (<see cref="RateLimitRetry"/>),
/// and remember what the day has left (X-DayLimit-Remaining) for <c>sources</c> and the log. An access token Xero
/// refuses is refreshed once and the call made again.
/// </summary>
public sealed class XeroApi(IOptions<SourcesOptions> options, OAuthConnections connections, TimeProvider clock, ILogger<XeroApi> log)
{
    public const int PageSize = 100;
    public const int DayLimit = 5000;
    public const int MinuteLimit = 60;

    /// <summary>Under this many calls left in the day, the log and <c>sources</c> say so.</summary>
    public const int DayBudgetLow = 500;

    /// <summary>Ids asked for in one call (GET Invoices?IDs=…): about 3,800 characters of query, well inside any proxy's limit.</summary>
    public const int IdsPerCall = 100;

    private readonly SemaphoreSlim _atOnce = new(5, 5);
    private readonly Lock _budgetLock = new();
    private int? _minuteLeft;
    private int? _dayLeft;
    private long _minuteEmptySince; // Stopwatch timestamp of the answer that said no calls were left this minute
    private bool _budgetChanged;

    /// <summary>Xero counts its minute limit over a rolling minute; waiting this long after it says none are left clears it. Tests shorten it.</summary>
    internal TimeSpan MinuteWindow { get; set; } = TimeSpan.FromSeconds(60);

    private readonly Lazy<HttpClient> _http = new(() => new HttpClient(new RateLimitRetry(clock)
    {
        InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15), AutomaticDecompression = DecompressionMethods.All },
    })
    {
        BaseAddress = new Uri(options.Value.Xero.ApiBaseUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(90),
    });

    /// <summary>
    /// One page of sales invoices, oldest change first. <paramref name="modifiedSince"/> asks only for those changed since
    /// (If-Modified-Since); <paramref name="statuses"/> null means every status.
    /// </summary>
    public async Task<IReadOnlyList<XeroInvoice>> InvoicesAsync(int page, DateTime? modifiedSince, string? statuses, CancellationToken cancellationToken)
    {
        var query = $"api.xro/2.0/Invoices?page={page}&pageSize={PageSize}&order=UpdatedDateUTC%20ASC&where={Uri.EscapeDataString("Type==\"ACCREC\"")}" +
                    (statuses is null ? "" : $"&Statuses={statuses}");
        return (await GetAsync(query, modifiedSince, XeroJson.Default.XeroInvoices, cancellationToken))?.Invoices ?? [];
    }

    /// <summary>These invoices as they are now, a hundred ids to a call.</summary>
    public async Task<IReadOnlyList<XeroInvoice>> InvoicesByIdAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new List<XeroInvoice>(ids.Count);
        foreach (var chunk in ids.Chunk(IdsPerCall))
        {
            var query = $"api.xro/2.0/Invoices?IDs={string.Join(',', chunk.Select(Uri.EscapeDataString))}&pageSize={PageSize}&page=1";
            found.AddRange((await GetAsync(query, null, XeroJson.Default.XeroInvoices, cancellationToken))?.Invoices ?? []);
        }
        return found;
    }

    /// <summary>The invoice's online page, where the client can pay it; null when Xero has none (a draft, a void).</summary>
    public async Task<string?> OnlineInvoiceAsync(string invoiceId, CancellationToken cancellationToken)
    {
        try
        {
            var online = await GetAsync($"api.xro/2.0/Invoices/{Uri.EscapeDataString(invoiceId)}/OnlineInvoice", null, XeroJson.Default.XeroOnlineInvoices, cancellationToken);
            return online?.OnlineInvoices?.FirstOrDefault()?.OnlineInvoiceUrl is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var link) &&
                   link.Scheme == Uri.UriSchemeHttps ? url : null;
        }
        catch (XeroApiException e) when (e.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            return null; // Xero answers 400 for an invoice that has no online page
        }
    }

    /// <summary>What Xero last said was left of its limits: (this minute, today).</summary>
    public (int? Minute, int? Day) Budget
    {
        get
        {
            lock (_budgetLock)
                return (_minuteLeft, _dayLeft);
        }
    }

    /// <summary>Keeps what Xero last said of its limits where <c>sources</c> (another process) can read it; once per sync, not per call.</summary>
    public async Task SaveBudgetAsync(CancellationToken cancellationToken)
    {
        int? minute, day;
        lock (_budgetLock)
        {
            if (!_budgetChanged)
                return;
            (minute, day, _budgetChanged) = (_minuteLeft, _dayLeft, false);
        }
        await connections.RecordBudgetAsync(XeroSource.Name, minute, day, cancellationToken);
    }

    private async Task<T?> GetAsync<T>(string pathAndQuery, DateTime? modifiedSince, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await _atOnce.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await PaceAsync(cancellationToken);
                var (token, tenant) = await connections.AccessAsync(XeroSource.Name, refusedJustNow: attempt > 1, cancellationToken);
                using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("xero-tenant-id", tenant);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (modifiedSince is { } since)
                    request.Headers.IfModifiedSince = new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc));
                using var response = await _http.Value.SendAsync(request, cancellationToken);
                Remember(response);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                    continue; // the access token expired early or was revoked: refresh once and see
                if (response.StatusCode == HttpStatusCode.NotModified)
                    return default;
                ThrowUnlessOk(response, pathAndQuery);
                return await response.Content.ReadFromJsonAsync(type, cancellationToken);
            }
        }
        finally
        {
            _atOnce.Release();
        }
    }

    /// <summary>When Xero said no calls are left this minute, the next waits until the minute has passed: a 429 avoided is a minute not lost.</summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_budgetLock)
            wait = _minuteLeft is <= 0 ? MinuteWindow - Stopwatch.GetElapsedTime(_minuteEmptySince) : TimeSpan.Zero;
        if (wait <= TimeSpan.Zero)
            return;
        log.LogInformation("Xero: this minute's {Limit} calls are used; waiting {Seconds:0} s", MinuteLimit, wait.TotalSeconds);
        // Real time, not the ledger's clock: the window is Xero's, measured by its servers.
        await Task.Delay(wait, cancellationToken);
        lock (_budgetLock)
            if (_minuteLeft is <= 0 && Stopwatch.GetElapsedTime(_minuteEmptySince) >= MinuteWindow)
                _minuteLeft = null;
    }

    private void Remember(HttpResponseMessage response)
    {
        var minute = Header(response, "X-MinLimit-Remaining");
        var day = Header(response, "X-DayLimit-Remaining");
        if (minute is null && day is null)
            return;
        bool dayCrossedLow;
        lock (_budgetLock)
        {
            dayCrossedLow = day is < DayBudgetLow && _dayLeft is not < DayBudgetLow;
            if (minute is { } m)
            {
                if (m <= 0 && _minuteLeft is not <= 0)
                    _minuteEmptySince = Stopwatch.GetTimestamp();
                _minuteLeft = m;
            }
            _dayLeft = day ?? _dayLeft;
            _budgetChanged = true;
        }
        if (dayCrossedLow)
            log.LogWarning("Xero: {Left} of the day's {Limit} calls are left for this organisation; syncs and checks before sending use them",
                day, DayLimit);
    }

    private static int? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    private static void ThrowUnlessOk(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
            return;
        var path = what.Split('?')[0];
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var limit = response.Headers.TryGetValues("X-Rate-Limit-Problem", out var problem) ? problem.FirstOrDefault()?.ToLowerInvariant() : null;
            throw new XeroApiException(response.StatusCode, $"Xero refused {path}: too many calls ({limit ?? "limit"})", limit, response.Headers.RetryAfter?.Delta);
        }
        // Only the status goes in the message: what people read needs no more, and a body is not ours to repeat.
        throw new XeroApiException(response.StatusCode, $"Xero answered {(int)response.StatusCode} to {path}");
    }
}
