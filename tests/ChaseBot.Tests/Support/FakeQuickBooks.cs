using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChaseBot.Tests.Support;

/// <summary>
/// QuickBooks Online on 127.0.0.1, modelled on Intuit's documentation: the consent page (authorisation code with PKCE,
/// answering with <c>realmId</c>), the token endpoint (access tokens for an hour, refresh tokens rotated, with
/// <c>x_refresh_token_expires_in</c> and <c>x_refresh_token_hard_expires_in</c>, <c>invalid_grant</c> when revoked), the
/// JSON revocation endpoint, CompanyInfo, the query endpoint (<c>select * from Invoice STARTPOSITION … MAXRESULTS …</c>,
/// <c>where Id in (…)</c>, at most 1,000), and Change Data Capture (<c>entities</c>, <c>changedSince</c> at most 30 days
/// back, deleted objects as <c>{"Id", "status": "Deleted"}</c>). Every API call must carry <c>minorversion=75</c>.
/// </summary>
public sealed partial class FakeQuickBooks : IAsyncDisposable
{
    public const string ClientId = "ABqbClientIdForTests000000000000000000000000000000";
    public const string ClientSecret = "qb-client-secret-for-tests";
    public const string Realm = "9341453172451895";
    public const string CompanyName = "Harbour Studio LLC";

    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, JsonObject> _invoices = new();
    private readonly ConcurrentDictionary<string, JsonObject> _payments = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deleted = new();
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _access = new();
    private readonly ConcurrentQueue<int> _failures = new();
    private readonly Lock _tokens = new();
    private string? _refresh;
    private int _next = 100;

    private FakeQuickBooks(TimeProvider clock) => Clock = clock;

    public TimeProvider Clock { get; set; }
    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<string> Calls { get; } = new();
    public int Refreshes { get; private set; }

    /// <summary>What the token endpoint says of the refresh token's hard limit, in seconds (Intuit: up to 5 years).</summary>
    public long HardExpiresIn { get; set; } = 157_680_000;

    public string? CurrentRefreshToken { get { lock (_tokens) return _refresh; } }

    public static async Task<FakeQuickBooks> StartAsync(TimeProvider clock)
    {
        var fake = new FakeQuickBooks(clock);
        (fake._app, fake.BaseUrl) = await Loopback.StartAsync(app =>
        {
            app.MapGet("/connect/oauth2", fake.Authorize);
            app.MapPost("/oauth2/v1/tokens/bearer", (Delegate)fake.TokenAsync);
            app.MapPost("/v2/oauth2/tokens/revoke", (Delegate)fake.RevokeAsync);
            app.MapGet("/v3/company/{realm}/companyinfo/{id}", fake.CompanyInfo);
            app.MapGet("/v3/company/{realm}/query", fake.Query);
            app.MapGet("/v3/company/{realm}/cdc", fake.ChangeDataCapture);
        });
        return fake;
    }

    public Dictionary<string, string?> Settings(string publicUrl = "https://chasebot.example") => new()
    {
        ["Sources:QuickBooks:ClientId"] = ClientId, ["Sources:QuickBooks:ClientSecret"] = ClientSecret, ["Sources:QuickBooks:ApiBaseUrl"] = BaseUrl,
        ["Sources:QuickBooks:TokenUrl"] = BaseUrl + "/oauth2/v1/tokens/bearer", ["Sources:QuickBooks:AuthorizeUrl"] = BaseUrl + "/connect/oauth2",
        ["Sources:QuickBooks:RevokeUrl"] = BaseUrl + "/v2/oauth2/tokens/revoke", ["Bot:PublicUrl"] = publicUrl,
    };

    public void FailNext(params int[] statuses)
    {
        foreach (var status in statuses)
            _failures.Enqueue(status);
    }

    public void RevokeAll()
    {
        lock (_tokens)
            _refresh = null;
        _access.Clear();
    }

    private DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Intuit writes times with the company's offset: Pacific here, as in its samples.</summary>
    private static string Time(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(-8)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    public JsonObject Invoice(string number, decimal total, decimal balance = -1, string currency = "USD", string customer = "Amy's Bird Sanctuary",
        string? email = "birds@example.com", int daysOverdue = 10)
    {
        var id = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var due = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-daysOverdue);
        var invoice = new JsonObject
        {
            ["Id"] = id, ["SyncToken"] = "0", ["domain"] = "QBO", ["DocNumber"] = number, ["TxnDate"] = due.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["DueDate"] = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["TotalAmt"] = total, ["Balance"] = balance < 0 ? total : balance,
            ["CurrencyRef"] = new JsonObject { ["value"] = currency, ["name"] = currency }, ["CustomerRef"] = new JsonObject { ["value"] = "1", ["name"] = customer },
            ["EmailStatus"] = "EmailSent", ["InvoiceLink"] = $"https://connect.intuit.example/t/scs-v1-{id}",
            ["MetaData"] = new JsonObject { ["CreateTime"] = Time(Now), ["LastUpdatedTime"] = Time(Now) },
        };
        if (email is not null)
            invoice["BillEmail"] = new JsonObject { ["Address"] = email };
        _invoices[id] = invoice;
        return invoice;
    }

    public void Change(JsonObject invoice, Action<JsonObject> change)
    {
        change(invoice);
        invoice["MetaData"]!["LastUpdatedTime"] = Time(Now);
        invoice["SyncToken"] = (int.Parse((string)invoice["SyncToken"]!, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A payment received against an invoice: the invoice's balance falls, and both change.</summary>
    public JsonObject Pay(JsonObject invoice, decimal amount)
    {
        Change(invoice, i => i["Balance"] = (decimal)i["Balance"]! - amount);
        var id = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var payment = new JsonObject
        {
            ["Id"] = id, ["TotalAmt"] = amount, ["CustomerRef"] = invoice["CustomerRef"]!.DeepClone(),
            ["Line"] = new JsonArray(new JsonObject { ["Amount"] = amount, ["LinkedTxn"] = new JsonArray(new JsonObject { ["TxnId"] = (string)invoice["Id"]!, ["TxnType"] = "Invoice" }) }),
            ["MetaData"] = new JsonObject { ["CreateTime"] = Time(Now), ["LastUpdatedTime"] = Time(Now) },
        };
        _payments[id] = payment;
        return payment;
    }

    /// <summary>Voided in QuickBooks: nothing owed, the number kept, "Voided" in the private note.</summary>
    public void Void(JsonObject invoice) => Change(invoice, i => (i["TotalAmt"], i["Balance"], i["PrivateNote"]) = (0m, 0m, "Voided"));

    public void Delete(JsonObject invoice)
    {
        _invoices.TryRemove((string)invoice["Id"]!, out _);
        _deleted[(string)invoice["Id"]!] = Now;
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" ||
            q["scope"] != "com.intuit.quickbooks.accounting" || string.IsNullOrEmpty(q["state"]))
            return Results.BadRequest("invalid_request");
        var code = "AB" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = (q["code_challenge"].ToString(), q["redirect_uri"].ToString());
        return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}&realmId={Realm}");
    }

    private bool Basic(HttpRequest request) =>
        request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        if (!Basic(context.Request))
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        var form = await context.Request.ReadFormAsync();
        lock (_tokens)
        {
            if (form["grant_type"] == "authorization_code")
            {
                if (!_codes.TryRemove(form["code"].ToString(), out var issued) || issued.RedirectUri != form["redirect_uri"] ||
                    Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != issued.Challenge)
                    return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            else if (form["grant_type"] == "refresh_token")
            {
                if (form["refresh_token"] != _refresh || _refresh is null)
                    return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
                Refreshes++;
            }
            else
                return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
            var access = "eyJqb.access." + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            _access[access] = Now.AddHours(1);
            _refresh = "AB11" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            return Results.Json(new JsonObject
            {
                ["token_type"] = "bearer", ["access_token"] = access, ["expires_in"] = 3600, ["refresh_token"] = _refresh,
                ["x_refresh_token_expires_in"] = 8_640_000, ["x_refresh_token_hard_expires_in"] = HardExpiresIn,
            });
        }
    }

    private async Task<IResult> RevokeAsync(HttpContext context)
    {
        if (!Basic(context.Request) || !context.Request.HasJsonContentType())
            return Results.BadRequest();
        var body = await System.Text.Json.JsonSerializer.DeserializeAsync<Dictionary<string, string>>(context.Request.Body);
        lock (_tokens)
            if (body is not null && body.GetValueOrDefault("token") == _refresh)
                _refresh = null;
        Calls.Enqueue("revoke");
        return Results.Ok();
    }

    private IResult? Refuse(HttpContext context, string realm)
    {
        Calls.Enqueue(context.Request.Path + context.Request.QueryString);
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_access.TryGetValue(header[7..], out var expires) || expires <= Now)
            return Results.Json(new JsonObject { ["fault"] = new JsonObject { ["error"] = new JsonArray(new JsonObject { ["message"] = "message=AuthenticationFailed", ["code"] = "3200" }), ["type"] = "AUTHENTICATION" } }, statusCode: 401);
        if (realm != Realm)
            return Results.StatusCode(403);
        if (context.Request.Query["minorversion"] != "75")
            return Results.BadRequest("minorversion=75 expected");
        if (_failures.TryDequeue(out var failure) && failure != 0)
            return Results.StatusCode(failure);
        return null;
    }

    private IResult CompanyInfo(HttpContext context, string realm, string id) =>
        Refuse(context, realm) ?? Results.Json(new JsonObject { ["CompanyInfo"] = new JsonObject { ["CompanyName"] = CompanyName, ["Id"] = "1" }, ["time"] = Time(Now) });

    [GeneratedRegex(@"^select \* from (Invoice|Payment)(?: where Id in \(([^)]*)\))?(?: STARTPOSITION (\d+))?(?: MAXRESULTS (\d+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex QueryGrammar();

    private IResult Query(HttpContext context, string realm)
    {
        if (Refuse(context, realm) is { } refused)
            return refused;
        var match = QueryGrammar().Match(context.Request.Query["query"].ToString());
        if (!match.Success)
            return Results.BadRequest("QueryParserError");
        var entity = match.Groups[1].Value;
        IEnumerable<JsonObject> all = entity.Equals("Invoice", StringComparison.OrdinalIgnoreCase) ? _invoices.Values : _payments.Values;
        if (match.Groups[2].Success)
        {
            var ids = match.Groups[2].Value.Split(',').Select(id => id.Trim().Trim('\'')).ToHashSet();
            all = all.Where(i => ids.Contains((string)i["Id"]!));
        }
        var start = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 1;
        var max = match.Groups[4].Success ? int.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture) : 100;
        if (max > 1000)
            return Results.BadRequest("MAXRESULTS above 1000");
        var page = all.OrderBy(i => int.Parse((string)i["Id"]!, CultureInfo.InvariantCulture)).Skip(start - 1).Take(max).Select(i => (JsonNode)i.DeepClone()).ToArray();
        var response = new JsonObject { ["startPosition"] = start, ["maxResults"] = page.Length };
        if (page.Length > 0)
            response[entity] = new JsonArray(page);
        return Results.Json(new JsonObject { ["QueryResponse"] = response, ["time"] = Time(Now) });
    }

    private IResult ChangeDataCapture(HttpContext context, string realm)
    {
        if (Refuse(context, realm) is { } refused)
            return refused;
        var since = DateTimeOffset.Parse(context.Request.Query["changedSince"].ToString(), CultureInfo.InvariantCulture);
        if (since < Now.AddDays(-30))
            return Results.BadRequest("changedSince more than 30 days ago");
        bool Changed(JsonObject o) => DateTimeOffset.Parse((string)o["MetaData"]!["LastUpdatedTime"]!, CultureInfo.InvariantCulture) >= since;
        var sets = new JsonArray();
        foreach (var entity in context.Request.Query["entities"].ToString().Split(','))
        {
            var items = entity switch
            {
                "Invoice" => _invoices.Values.Where(Changed).Select(i => (JsonNode)i.DeepClone())
                    .Concat(_deleted.Where(d => d.Value >= since).Select(d => (JsonNode)new JsonObject
                    {
                        ["domain"] = "QBO", ["status"] = "Deleted", ["Id"] = d.Key,
                        ["MetaData"] = new JsonObject { ["LastUpdatedTime"] = Time(d.Value) },
                    })).Take(1000).ToArray(),
                "Payment" => _payments.Values.Where(Changed).Select(p => (JsonNode)p.DeepClone()).Take(1000).ToArray(),
                _ => [],
            };
            var set = new JsonObject { ["startPosition"] = 1, ["maxResults"] = items.Length };
            if (items.Length > 0)
                set[entity] = new JsonArray(items);
            sets.Add(set);
        }
        return Results.Json(new JsonObject { ["CDCResponse"] = new JsonArray(new JsonObject { ["QueryResponse"] = sets }), ["time"] = Time(Now) });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
