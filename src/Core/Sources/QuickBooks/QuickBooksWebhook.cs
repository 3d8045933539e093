using System.Text.Json;
using ChaseBot.Core.Sources.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>
/// QuickBooks Online's webhook. <c>intuit-signature</c> is the base64 HMAC-SHA256 of the raw body with the app's
/// verifier token, checked before the body is read for meaning (401 when it does not match). Both payloads Intuit
/// sends are read: the classic one (<c>eventNotifications[].dataChangeEvent.entities[]</c>) and CloudEvents (an array,
/// <c>type</c> "qbo.invoice.updated.v1", the entity in <c>intuitentityid</c>). Only the connected company's invoices and
/// payments count; those invoices (and the ones the payments paid) are read again from QuickBooks, so a replayed or
/// out-of-order notification reads the state of now and changes nothing. Intuit wants an answer within 3 seconds.
/// </summary>
public sealed class QuickBooksWebhook(IOptions<SourcesOptions> options, QuickBooksSource source, OAuthConnections connections, ILogger<QuickBooksWebhook> log)
{
    public const int MaxBodyBytes = 512 * 1024;

    internal TimeSpan AnswerWithin { get; set; } = TimeSpan.FromSeconds(2.5);

    public async Task<WebhookAnswer> HandleAsync(byte[] body, string? signature, CancellationToken cancellationToken)
    {
        if (WebhookChecks.Refusal(body, signature, options.Value.QuickBooks.VerifierToken, "QuickBooks", "Sources:QuickBooks:VerifierToken", log) is { } refused)
            return refused;
        var realm = (await connections.StateAsync(QuickBooksSource.Name, cancellationToken))?.Tenant;
        var changes = Read(body).Where(c => realm is not null && c.Realm == realm).ToList();
        var invoices = changes.Where(c => c.Entity == "invoice").Select(c => c.Id).Distinct().ToList();
        var payments = changes.Where(c => c.Entity == "payment").Select(c => c.Id).Distinct().ToList();
        if (invoices.Count + payments.Count == 0)
            return new WebhookAnswer(200, ""); // other entities, another company, or nothing at all
        if (!await WebhookChecks.FinishedWithinAsync(ReadAsync(invoices, payments), AnswerWithin, cancellationToken))
            log.LogInformation("QuickBooks webhook: reading what it named goes on after the answer");
        return new WebhookAnswer(200, "");
    }

    /// <summary>(company, entity in lower case, id) for each change, from either payload; nothing from a body that is neither.</summary>
    public static IEnumerable<(string Realm, string Entity, string Id)> Read(byte[] body)
    {
        try
        {
            var start = Array.FindIndex(body, b => !char.IsWhiteSpace((char)b));
            if (start >= 0 && body[start] == (byte)'[')
                return (JsonSerializer.Deserialize(body, QuickBooksJson.Default.ListQuickBooksCloudEvent) ?? [])
                    .Where(e => e.AccountId is { Length: > 0 } && e.EntityId is { Length: > 0 } && e.Type?.Split('.') is ["qbo", _, ..])
                    .Select(e => (e.AccountId!, e.Type!.Split('.')[1].ToLowerInvariant(), e.EntityId!)).ToList();
            return ((JsonSerializer.Deserialize(body, QuickBooksJson.Default.QuickBooksNotifications))?.EventNotifications ?? [])
                .SelectMany(n => (n.DataChangeEvent?.Entities ?? []).Where(e => n.RealmId is { Length: > 0 } && e.Id is { Length: > 0 } && e.Name is { Length: > 0 })
                    .Select(e => (n.RealmId!, e.Name!.ToLowerInvariant(), e.Id!))).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task ReadAsync(List<string> invoices, List<string> payments)
    {
        try
        {
            if (payments.Count > 0)
                invoices = [.. invoices.Union(await source.InvoicesPaidByAsync(payments, CancellationToken.None))];
            var summary = await source.RefreshAsync(invoices, "quickbooks webhook", CancellationToken.None);
            log.LogInformation("QuickBooks webhook for {Invoices}: {Updated} updated, {Created} new", Text.Counted.Of(invoices.Count, "invoice"), summary.Updated, summary.Created);
        }
        catch (Exception e) when (source.Explain(e) is { } problem)
        {
            log.LogWarning("QuickBooks webhook: what it named could not be read ({Problem}); the next sync reads it", problem.Words);
        }
    }
}
