using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChaseBot.Tests.Support;

/// <summary>
/// Xero on 127.0.0.1, modelled on its documentation: the login's consent page (authorisation code with PKCE), the
/// identity server's token and revocation endpoints (access tokens for 30 minutes; refresh tokens rotated on every use,
/// the previous one still accepted for 30 minutes, expiring after 60 days unused, refused with <c>invalid_grant</c>),
/// <c>/connections</c>, and <c>/api.xro/2.0/Invoices</c>: <c>page</c>/<c>pageSize</c>, <c>Statuses</c>, <c>IDs</c>,
/// <c>where=Type=="ACCREC"</c>, <c>If-Modified-Since</c>, dates written <c>/Date(ms+0000)/</c>, the online invoice, and
/// the limits per organisation (60 a minute over a rolling minute, 5 at once, 5,000 a day) with their headers and 429s.
/// </summary>
public sealed class FakeXero : IAsyncDisposable
{
    public const string ClientId = "XEROCLIENTID0000000000000000000";
    public const string ClientSecret = "xero-client-secret-for-tests";
    public const string TenantId = "70784a63-d24b-46a9-a4db-0e70a274b056";
    public const string TenantName = "Harbour Studio Ltd";

    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, JsonObject> _invoices = new();
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _access = new();
    private readonly Lock _tokens = new();
    private string? _refresh;
    private DateTimeOffset _refreshUsed;
    private (string Token, DateTimeOffset RotatedAt)? _previous;
    private readonly ConcurrentQueue<int> _failures = new();
    private readonly Queue<long> _minute = new(); // Stopwatch timestamps of the calls in the last rolling minute
    private int _next;
    private int _inFlight;

    private FakeXero(TimeProvider clock) => Clock = clock;

    /// <summary>Xero's time: set to ChaseBot's fake clock, so tokens expire as the test's time passes.</summary>
    public TimeProvider Clock { get; set; }

    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<string> Calls { get; } = new();

    public int MinuteLimit { get; set; } = 60;

    /// <summary>Xero's rolling minute; tests shorten it to see pacing without waiting a real minute.</summary>
    public TimeSpan MinuteWindow { get; set; } = TimeSpan.FromSeconds(60);
    public int DayLimit { get; set; } = 5000;
    public int DayUsed { get; set; }
    public int Refused429 { get; private set; }
    public int MostAtOnce { get; private set; }
    public int Refreshes { get; private set; }

    /// <summary>The next token call does everything but answer (the connection is dropped after the refresh token rotated).</summary>
    public bool DropNextTokenAnswer { get; set; }

    /// <summary>Each API answer waits this long first (to see the Bot answer a webhook before Xero does).</summary>
    public TimeSpan Delay { get; set; }

    public string? CurrentRefreshToken { get { lock (_tokens) return _refresh; } }

    public static async Task<FakeXero> StartAsync(TimeProvider clock)
    {
        var fake = new FakeXero(clock);
        (fake._app, fake.BaseUrl) = await Loopback.StartAsync(app =>
        {
            app.MapGet("/identity/connect/authorize", fake.Authorize);
            app.MapPost("/connect/token", (Delegate)fake.TokenAsync);
            app.MapPost("/connect/revocation", (Delegate)fake.RevokeAsync);
            app.MapGet("/connections", fake.Connections);
            app.MapGet("/api.xro/2.0/Invoices", (Delegate)fake.InvoicesAsync);
            app.MapGet("/api.xro/2.0/Invoices/{id}/OnlineInvoice", fake.OnlineInvoiceAsync);
        });
        return fake;
    }

    /// <summary>The settings that point ChaseBot's Xero at this fake.</summary>
    public Dictionary<string, string?> Settings(string publicUrl = "https://chasebot.example") => new()
    {
        ["Sources:Xero:ClientId"] = ClientId, ["Sources:Xero:ClientSecret"] = ClientSecret, ["Sources:Xero:ApiBaseUrl"] = BaseUrl,
        ["Sources:Xero:IdentityBaseUrl"] = BaseUrl, ["Sources:Xero:LoginBaseUrl"] = BaseUrl, ["Bot:PublicUrl"] = publicUrl,
    };

    public void FailNext(params int[] statuses)
    {
        foreach (var status in statuses)
            _failures.Enqueue(status);
    }

    /// <summary>The refresh token is revoked in Xero (the user disconnected the app there).</summary>
    public void RevokeAll()
    {
        lock (_tokens)
            (_refresh, _previous) = (null, null);
        _access.Clear();
    }

    /// <summary>Access tokens stop working now, as if 30 minutes had passed at Xero.</summary>
    public void ExpireAccessTokens() => _access.Clear();

    private DateTimeOffset Now => Clock.GetUtcNow();

    private static string Date(DateTimeOffset at) => $"/Date({at.ToUnixTimeMilliseconds()}+0000)/";

    /// <summary>A sales invoice as Xero holds it.</summary>
    public JsonObject Invoice(string number, decimal total, decimal paid = 0, string status = "AUTHORISED", string currency = "GBP",
        string contact = "Harbour Lights Ltd", string? email = "accounts@harbourlights.example", int daysOverdue = 10, string type = "ACCREC")
    {
        var id = Guid.NewGuid().ToString();
        var due = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-daysOverdue);
        var invoice = new JsonObject
        {
            ["Type"] = type, ["InvoiceID"] = id, ["InvoiceNumber"] = number, ["Reference"] = "",
            ["Contact"] = new JsonObject { ["ContactID"] = "c-" + contact.Length, ["Name"] = contact, ["EmailAddress"] = email ?? "" },
            ["Date"] = Date(due.AddDays(-30)), ["DateString"] = due.AddDays(-30).ToString("yyyy-MM-ddT00:00:00", CultureInfo.InvariantCulture),
            ["DueDate"] = Date(due), ["DueDateString"] = due.ToString("yyyy-MM-ddT00:00:00", CultureInfo.InvariantCulture),
            ["Status"] = status, ["LineAmountTypes"] = "Exclusive", ["CurrencyCode"] = currency, ["CurrencyRate"] = 1.0m,
            ["SubTotal"] = total, ["TotalTax"] = 0m, ["Total"] = total, ["AmountDue"] = total - paid, ["AmountPaid"] = paid, ["AmountCredited"] = 0m,
            ["HasAttachments"] = false, ["HasErrors"] = false, ["UpdatedDateUTC"] = Date(Now),
        };
        Interlocked.Increment(ref _next);
        _invoices[id] = invoice;
        return invoice;
    }

    /// <summary>A change in Xero: its UpdatedDateUTC moves to now, and AmountDue follows the amounts.</summary>
    public void Change(JsonObject invoice, Action<JsonObject> change)
    {
        change(invoice);
        invoice["AmountDue"] = (decimal)invoice["Total"]! - (decimal)invoice["AmountPaid"]! - (decimal)invoice["AmountCredited"]!;
        if ((decimal)invoice["AmountDue"]! == 0 && (string)invoice["Status"]! == "AUTHORISED")
        {
            invoice["Status"] = "PAID";
            invoice["FullyPaidOnDate"] = Date(Now);
        }
        invoice["UpdatedDateUTC"] = Date(Now);
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" ||
            !q["scope"].ToString().Split(' ').Contains("offline_access") || string.IsNullOrEmpty(q["state"]))
            return Results.BadRequest("unauthorized_client");
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = (q["code_challenge"].ToString(), q["redirect_uri"].ToString());
        return Results.Redirect($"{q["redirect_uri"]}?code={code}&scope={Uri.EscapeDataString(q["scope"].ToString())}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var basic = context.Request.Headers.Authorization.ToString();
        if (basic != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}")))
            return Results.Json(new { error = "invalid_client" }, statusCode: 400);
        var form = await context.Request.ReadFormAsync();
        if (_failures.TryDequeue(out var failure) && failure != 0)
            return Results.StatusCode(failure);
        lock (_tokens)
        {
            if (form["grant_type"] == "authorization_code")
            {
                if (!_codes.TryRemove(form["code"].ToString(), out var issued) || issued.RedirectUri != form["redirect_uri"] ||
                    Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != issued.Challenge)
                    return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
                _previous = null;
            }
            else if (form["grant_type"] == "refresh_token")
            {
                var given = form["refresh_token"].ToString();
                var current = given == _refresh && Now - _refreshUsed <= TimeSpan.FromDays(60);
                var inGrace = _previous is { } p && p.Token == given && Now - p.RotatedAt <= TimeSpan.FromMinutes(30);
                if (!current && !inGrace)
                    return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
                Refreshes++;
                if (current)
                    _previous = (given, Now);
            }
            else
                return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);

            var access = "xat_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            _access[access] = Now.AddMinutes(30);
            _refresh = "xrt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            _refreshUsed = Now;
            if (DropNextTokenAnswer)
            {
                DropNextTokenAnswer = false;
                context.Abort(); // rotated at Xero, but the answer never arrives
                return Results.Empty;
            }
            return Results.Json(new JsonObject
            {
                ["id_token"] = "eyJ.fake.jwt", ["access_token"] = access, ["expires_in"] = 1800, ["token_type"] = "Bearer",
                ["refresh_token"] = _refresh, ["scope"] = "offline_access accounting.invoices.read accounting.contacts.read",
            });
        }
    }

    private async Task<IResult> RevokeAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        lock (_tokens)
            if (form["token"] == _refresh)
                (_refresh, _previous) = (null, null);
        Calls.Enqueue("revoke");
        return Results.Ok();
    }

    private bool Authorized(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) &&
        _access.TryGetValue(header["Bearer ".Length..], out var expires) && expires > Now;

    private IResult Connections(HttpRequest request)
    {
        if (!Authorized(request))
            return Results.Json(new { Title = "Unauthorized", Status = 401 }, statusCode: 401);
        return Results.Json(new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["authEventId"] = Guid.NewGuid().ToString(), ["tenantId"] = TenantId, ["tenantType"] = "ORGANISATION",
            ["tenantName"] = TenantName, ["createdDateUtc"] = "2026-11-01T10:00:00.0000000", ["updatedDateUtc"] = "2026-11-23T09:00:00.0000000",
        }));
    }

    /// <summary>The limits and the checks every API call goes through; null when the call may go on.</summary>
    private async Task<IResult?> GateAsync(HttpContext context)
    {
        Calls.Enqueue(context.Request.Path + context.Request.QueryString);
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay);
        var request = context.Request;
        if (!Authorized(request))
            return Results.Json(new { Type = (string?)null, Title = "Unauthorized", Status = 401, Detail = "AuthenticationUnsuccessful" }, statusCode: 401);
        if (request.Headers["xero-tenant-id"] != TenantId)
            return Results.Json(new { Title = "Forbidden", Status = 403, Detail = "AuthorizationUnsuccessful" }, statusCode: 403);
        int minuteLeft;
        lock (_minute)
        {
            var now = Stopwatch.GetTimestamp();
            while (_minute.Count > 0 && Stopwatch.GetElapsedTime(_minute.Peek(), now) >= MinuteWindow)
                _minute.Dequeue();
            if (DayUsed >= DayLimit)
            {
                Refused429++;
                context.Response.Headers["Retry-After"] = "18000";
                context.Response.Headers["X-Rate-Limit-Problem"] = "day";
                context.Response.Headers["X-DayLimit-Remaining"] = "0";
                return Results.StatusCode(429);
            }
            if (_minute.Count >= MinuteLimit)
            {
                Refused429++;
                var wait = MinuteWindow.TotalSeconds - Stopwatch.GetElapsedTime(_minute.Peek(), now).TotalSeconds;
                context.Response.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(wait)).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-Rate-Limit-Problem"] = "minute";
                context.Response.Headers["X-MinLimit-Remaining"] = "0";
                return Results.StatusCode(429);
            }
            _minute.Enqueue(now);
            DayUsed++;
            minuteLeft = MinuteLimit - _minute.Count;
        }
        context.Response.Headers["X-MinLimit-Remaining"] = minuteLeft.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-DayLimit-Remaining"] = (DayLimit - DayUsed).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-AppMinLimit-Remaining"] = "9999";
        if (_failures.TryDequeue(out var failure) && failure != 0)
        {
            if (failure == 429)
            {
                context.Response.Headers["Retry-After"] = "1";
                context.Response.Headers["X-Rate-Limit-Problem"] = "minute";
            }
            return Results.StatusCode(failure);
        }
        return null;
    }

    private async Task<IResult> InvoicesAsync(HttpContext context)
    {
        var atOnce = Interlocked.Increment(ref _inFlight);
        try
        {
            lock (_minute)
                MostAtOnce = Math.Max(MostAtOnce, atOnce);
            if (atOnce > 5)
            {
                context.Response.Headers["X-Rate-Limit-Problem"] = "concurrent";
                return Results.StatusCode(429);
            }
            if (await GateAsync(context) is { } refused)
                return refused;
            var q = context.Request.Query;
            IEnumerable<JsonObject> list = _invoices.Values;
            if (q["where"].ToString() is { Length: > 0 } where)
            {
                if (where != "Type==\"ACCREC\"")
                    return Results.BadRequest();
                list = list.Where(i => (string)i["Type"]! == "ACCREC");
            }
            if (q["Statuses"].ToString() is { Length: > 0 } statuses)
                list = list.Where(i => statuses.Split(',').Contains((string)i["Status"]!));
            if (q["IDs"].ToString() is { Length: > 0 } ids)
                list = list.Where(i => ids.Split(',').Contains((string)i["InvoiceID"]!, StringComparer.OrdinalIgnoreCase));
            if (context.Request.Headers.IfModifiedSince.ToString() is { Length: > 0 } since)
            {
                var from = DateTimeOffset.Parse(since, CultureInfo.InvariantCulture);
                list = list.Where(i => Parse((string)i["UpdatedDateUTC"]!) >= from);
            }
            var pageSize = int.TryParse(q["pageSize"], out var size) ? Math.Clamp(size, 1, 1000) : 100;
            var page = int.TryParse(q["page"], out var p) ? p : 1;
            var ordered = list.OrderBy(i => Parse((string)i["UpdatedDateUTC"]!)).ThenBy(i => (string)i["InvoiceID"]!).ToList();
            var shown = ordered.Skip((page - 1) * pageSize).Take(pageSize).Select(i => i.DeepClone()).ToArray();
            return Results.Json(new JsonObject
            {
                ["Id"] = Guid.NewGuid().ToString(), ["Status"] = "OK", ["ProviderName"] = "ChaseBot", ["DateTimeUTC"] = Date(Now),
                ["pagination"] = new JsonObject { ["page"] = page, ["pageSize"] = pageSize, ["pageCount"] = (ordered.Count + pageSize - 1) / pageSize, ["itemCount"] = ordered.Count },
                ["Invoices"] = new JsonArray(shown),
            });
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<IResult> OnlineInvoiceAsync(HttpContext context, string id)
    {
        if (await GateAsync(context) is { } refused)
            return refused;
        if (!_invoices.TryGetValue(id, out var invoice))
            return Results.NotFound();
        if ((string)invoice["Status"]! is "DRAFT" or "DELETED")
            return Results.BadRequest();
        return Results.Json(new JsonObject
        {
            ["OnlineInvoices"] = new JsonArray(new JsonObject { ["OnlineInvoiceUrl"] = $"https://in.xero.example/{id[..8]}" }),
        });
    }

    private static DateTimeOffset Parse(string date) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(date[6..date.IndexOf('+')], CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
