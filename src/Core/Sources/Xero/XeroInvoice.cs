using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ChaseBot.Core.Sources.Xero;

/// <summary>The fields of Xero's Accounting API invoice that ChaseBot reads (GET /api.xro/2.0/Invoices, JSON).</summary>
public sealed record XeroInvoice(
    string InvoiceID,
    string? InvoiceNumber,
    string? Type,
    string? Status,
    XeroContact? Contact,
    string? Date,
    string? DueDate,
    string? CurrencyCode,
    decimal Total,
    decimal AmountDue,
    decimal AmountPaid,
    decimal AmountCredited,
    string? FullyPaidOnDate,
    string? UpdatedDateUTC);

public sealed record XeroContact(string? ContactID, string? Name, string? EmailAddress);

public sealed record XeroInvoices(IReadOnlyList<XeroInvoice>? Invoices);

public sealed record XeroOnlineInvoice(string? OnlineInvoiceUrl);

public sealed record XeroOnlineInvoices(IReadOnlyList<XeroOnlineInvoice>? OnlineInvoices);

/// <summary>One organisation this app may read, from GET /connections.</summary>
public sealed record XeroTenant(string TenantId, string? TenantName, string? TenantType, string? UpdatedDateUtc);

/// <summary>A webhook's body: events name what changed, never how.</summary>
public sealed record XeroWebhookEvents(IReadOnlyList<XeroWebhookEvent>? Events, long FirstEventSequence, long LastEventSequence);

public sealed record XeroWebhookEvent(string? ResourceId, string? EventCategory, string? EventType, string? TenantId, string? EventDateUtc);

/// <summary>
/// Xero's JSON writes instants the old ASP.NET way, <c>/Date(1518685950940+0000)/</c> (milliseconds since 1970, UTC),
/// and some fields also as ISO 8601 (<c>2026-11-01T00:00:00</c>); both are read.
/// </summary>
public static partial class XeroDates
{
    [GeneratedRegex(@"^/Date\((-?\d+)([+-]\d{4})?\)/$")]
    private static partial Regex AspNetDate();

    public static DateTime? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (AspNetDate().Match(value.Trim()) is { Success: true } match)
            return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)).UtcDateTime;
        return DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
    }

    /// <summary>The day a Xero date names: Xero's dates are calendar days written as midnight UTC.</summary>
    public static DateOnly? Day(string? value) => Parse(value) is { } at ? DateOnly.FromDateTime(at) : null;
}

[JsonSerializable(typeof(XeroInvoices))]
[JsonSerializable(typeof(XeroOnlineInvoices))]
[JsonSerializable(typeof(List<XeroTenant>))]
[JsonSerializable(typeof(XeroWebhookEvents))]
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
public sealed partial class XeroJson : JsonSerializerContext;
