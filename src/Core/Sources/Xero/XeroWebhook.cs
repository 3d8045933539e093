using System.Text.Json;
using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.Xero;

/// <summary>
/// Xero's webhook. <c>x-xero-signature</c> is the base64 HMAC-SHA256 of the raw body with the webhook key: checked before
/// the body is read for meaning, 401 with an empty body when it does not match, 200 with an empty body when it does —
/// which is also all Xero's "intent to receive" check asks, and within its 5 seconds. Xero's events carry no data, only
/// which invoices changed, so those are read again from Xero; a replayed or out-of-order event reads the same state
/// and changes nothing. When Xero is slow to answer, the reading goes on after the 200 and the next sync is the net
/// under it: nothing an event named is lost if the Bot stops meanwhile.
/// </summary>
public sealed class XeroWebhook(IOptions<SourcesOptions> options, XeroSource source, OAuthConnections connections, ILogger<XeroWebhook> log)
{
    public const int MaxBodyBytes = 512 * 1024;

    /// <summary>Xero wants an answer within 5 seconds; reading the invoices gets most of that, the rest is the answer's margin.</summary>
    internal TimeSpan AnswerWithin { get; set; } = TimeSpan.FromSeconds(4);

    public async Task<WebhookAnswer> HandleAsync(byte[] body, string? signature, CancellationToken cancellationToken)
    {
        if (WebhookChecks.Refusal(body, signature, options.Value.Xero.WebhookKey, "Xero", "Sources:Xero:WebhookKey", log) is { } refused)
            return refused;
        XeroWebhookEvents? events;
        try
        {
            events = JsonSerializer.Deserialize(body, XeroJson.Default.XeroWebhookEvents);
        }
        catch (JsonException)
        {
            log.LogWarning("Xero webhook signed but not JSON Xero sends");
            return new WebhookAnswer(200, ""); // signed by Xero all the same: refusing it would only make Xero send it again
        }
        var tenant = (await connections.StateAsync(XeroSource.Name, cancellationToken))?.Tenant;
        var ids = (events?.Events ?? [])
            .Where(e => string.Equals(e.EventCategory, "INVOICE", StringComparison.OrdinalIgnoreCase) && e.ResourceId is { Length: > 0 and <= 100 })
            .Where(e => tenant is not null && string.Equals(e.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
            .Select(e => e.ResourceId!).Distinct().ToList();
        if (ids.Count == 0)
            return new WebhookAnswer(200, ""); // the intent-to-receive check, or events about another organisation or other records
        if (!await WebhookChecks.FinishedWithinAsync(ReadAsync(ids), AnswerWithin, cancellationToken))
            log.LogInformation("Xero webhook: reading {Invoices} goes on after the answer", Text.Counted.Of(ids.Count, "invoice"));
        return new WebhookAnswer(200, "");
    }

    private async Task ReadAsync(IReadOnlyList<string> ids)
    {
        try
        {
            var summary = await source.RefreshAsync(ids, "xero webhook", CancellationToken.None);
            log.LogInformation("Xero webhook for {Invoices}: {Updated} updated, {Created} new", Text.Counted.Of(ids.Count, "invoice"), summary.Updated, summary.Created);
        }
        catch (Exception e) when (source.Explain(e) is { } problem)
        {
            log.LogWarning("Xero webhook: the invoices it named could not be read ({Problem}); the next sync reads them", problem.Words);
        }
    }
}
