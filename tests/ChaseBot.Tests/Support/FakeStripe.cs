using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChaseBot.Tests.Support;

/// <summary>
/// Stripe's API on 127.0.0.1, modelled on its API reference: invoices and events as Stripe writes them (amounts in the
/// smallest unit, lowercase currencies, Unix times), lists newest first with <c>limit</c>, <c>starting_after</c> and
/// <c>has_more</c>, events filtered by <c>types[]</c> (with <c>*</c>) and <c>created[gte]</c> and kept 30 days, a 404
/// with <c>resource_missing</c> for an invoice that is not there, and a 401 for a wrong key. It can fail the next calls.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string Key = "rk_test_chasebot";
    private WebApplication _app = null!;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, JsonObject> _invoices = new();
    private readonly List<JsonObject> _events = [];
    private readonly ConcurrentQueue<int> _failures = new();
    private int _next;

    private FakeStripe(TimeProvider clock) => _clock = clock;

    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<string> Calls { get; } = new();

    public static async Task<FakeStripe> StartAsync(TimeProvider clock)
    {
        var fake = new FakeStripe(clock);
        (fake._app, fake.BaseUrl) = await Loopback.StartAsync(app =>
        {
            app.MapGet("/v1/invoices", fake.ListInvoices);
            app.MapGet("/v1/invoices/{id}", fake.GetInvoice);
            app.MapGet("/v1/events", fake.ListEvents);
        });
        return fake;
    }

    /// <summary>The next calls answer with these statuses (500, 429…), one each, before Stripe answers again; 0 answers as Stripe would.</summary>
    public void FailNext(params int[] statuses)
    {
        foreach (var status in statuses)
            _failures.Enqueue(status);
    }

    /// <summary>A number however it was put in (a test writes 100_000, an int).</summary>
    private static long L(JsonNode? node) => node is null ? 0 : Convert.ToInt64(node.AsValue().GetValue<object>(), System.Globalization.CultureInfo.InvariantCulture);

    private long Now => _clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>An invoice as Stripe holds it. Amounts in the smallest unit of the currency.</summary>
    public JsonObject Invoice(string number, long total, long paid = 0, string status = "open", string currency = "usd",
        string customer = "Northwind Analytics", string? email = "ap@northwind.example", int dueInDays = 30, long? createdAt = null)
    {
        var id = $"in_{Interlocked.Increment(ref _next):D6}";
        var created = createdAt ?? Now - 86_400 * 40;
        var invoice = new JsonObject
        {
            ["id"] = id, ["object"] = "invoice", ["number"] = status == "draft" ? null : number, ["customer"] = "cus_" + customer.Length,
            ["customer_name"] = customer, ["customer_email"] = email, ["created"] = created,
            ["due_date"] = dueInDays < 0 ? null : created + 86_400L * dueInDays, ["currency"] = currency, ["total"] = total,
            ["amount_due"] = total, ["amount_paid"] = paid, ["amount_remaining"] = total - paid, ["status"] = status,
            ["hosted_invoice_url"] = $"https://invoice.stripe.example/i/{id}", ["livemode"] = false,
        };
        _invoices[id] = invoice;
        return invoice;
    }

    /// <summary>Changes an invoice and records the event Stripe would send for it.</summary>
    public JsonObject Change(JsonObject invoice, string type, Action<JsonObject> change, long? at = null)
    {
        change(invoice);
        invoice["amount_remaining"] = L(invoice["total"]) - L(invoice["amount_paid"]) -
                                      L(invoice["credited"]);
        return Event(type, invoice.DeepClone().AsObject(), at);
    }

    /// <summary>A credit note against an invoice: its amount no longer owed.</summary>
    public JsonObject CreditNote(JsonObject invoice, long amount, long? at = null)
    {
        invoice["credited"] = L(invoice["credited"]) + amount;
        invoice["amount_remaining"] = L(invoice["total"]) - L(invoice["amount_paid"]) - L(invoice["credited"]);
        if (L(invoice["amount_remaining"]) <= 0)
            invoice["status"] = "paid";
        return Event("credit_note.created", new JsonObject
        {
            ["id"] = $"cn_{Interlocked.Increment(ref _next):D6}", ["object"] = "credit_note", ["invoice"] = invoice["id"]!.GetValue<string>(),
            ["amount"] = amount, ["currency"] = invoice["currency"]!.GetValue<string>(), ["status"] = "issued", ["type"] = "pre_payment",
            ["created"] = at ?? Now,
        }, at);
    }

    /// <summary>A draft deleted in Stripe: gone from the API, its event still listed.</summary>
    public JsonObject Delete(JsonObject invoice)
    {
        _invoices.TryRemove(invoice["id"]!.GetValue<string>(), out _);
        return Event("invoice.deleted", invoice.DeepClone().AsObject());
    }

    private JsonObject Event(string type, JsonObject data, long? at = null)
    {
        var e = new JsonObject
        {
            ["id"] = $"evt_{Interlocked.Increment(ref _next):D6}", ["object"] = "event", ["type"] = type, ["created"] = at ?? Now,
            ["api_version"] = "2025-11-17.clover", ["livemode"] = false, ["pending_webhooks"] = 1,
            ["data"] = new JsonObject { ["object"] = data },
        };
        lock (_events)
            _events.Add(e);
        return e;
    }

    private bool Refuse(HttpContext context, out IResult? answer)
    {
        Calls.Enqueue($"{context.Request.Path}{context.Request.QueryString}");
        answer = null;
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Key}")
            answer = Error(401, "invalid_request_error", null, "Invalid API Key provided");
        else if (_failures.TryDequeue(out var status) && status != 0)
        {
            answer = Error(status, status == 429 ? "rate_limit_error" : "api_error", null, "Scripted failure");
            if (status == 429)
                context.Response.Headers.RetryAfter = "1";
        }
        return answer is not null;
    }

    private static IResult Error(int status, string type, string? code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message } }, statusCode: status);

    private IResult ListInvoices(HttpContext context)
    {
        if (Refuse(context, out var refused))
            return refused!;
        var all = _invoices.Values.OrderByDescending(i => L(i["created"])).ThenByDescending(i => i["id"]!.GetValue<string>()).ToList();
        return Page(context, all, "/v1/invoices");
    }

    private IResult GetInvoice(HttpContext context, string id)
    {
        if (Refuse(context, out var refused))
            return refused!;
        return _invoices.TryGetValue(id, out var invoice)
            ? Results.Json(invoice)
            : Error(404, "invalid_request_error", "resource_missing", $"No such invoice: '{id}'");
    }

    private IResult ListEvents(HttpContext context)
    {
        if (Refuse(context, out var refused))
            return refused!;
        var query = context.Request.Query;
        var types = query.Where(q => q.Key.StartsWith("types[", StringComparison.Ordinal)).SelectMany(q => q.Value).Select(v => v!).ToList();
        var since = long.TryParse(query["created[gte]"], out var gte) ? gte : 0;
        var kept = Now - 30 * 86_400;
        List<JsonObject> events;
        lock (_events)
            events = _events.Where(e => L(e["created"]) >= Math.Max(since, kept))
                .Where(e => types.Count == 0 || types.Any(t => Matches(t, e["type"]!.GetValue<string>())))
                .OrderByDescending(e => L(e["created"])).ThenByDescending(e => e["id"]!.GetValue<string>()).ToList();
        return Page(context, events, "/v1/events");
    }

    private static bool Matches(string pattern, string type) =>
        pattern.EndsWith(".*", StringComparison.Ordinal) ? type.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == type;

    private static IResult Page(HttpContext context, List<JsonObject> all, string url)
    {
        var limit = int.TryParse(context.Request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 10;
        var start = context.Request.Query["starting_after"].ToString() is { Length: > 0 } after
            ? all.FindIndex(o => o["id"]!.GetValue<string>() == after) + 1
            : 0;
        var page = all.Skip(start).Take(limit).Select(o => (JsonNode)o.DeepClone()).ToArray();
        return Results.Json(new JsonObject
        {
            ["object"] = "list", ["url"] = url, ["has_more"] = start + page.Length < all.Count, ["data"] = new JsonArray(page),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
