using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace ChaseBot.Core.Sources.Stripe;

/// <summary>
/// Stripe's webhook: the <c>Stripe-Signature</c> header (<c>t=…,v1=…</c>, HMAC-SHA256 of "{t}.{raw body}" with the
/// endpoint's signing secret) is checked, and its time within 5 minutes, before the body is read for meaning. Then the
/// invoice the event is about is read again from Stripe, so what is written is Stripe's state now, not the event's:
/// events arrive out of order and twice, and neither changes the outcome.
/// </summary>
public sealed class StripeWebhook(IOptions<SourcesOptions> options, StripeSource source, TimeProvider clock, ILogger<StripeWebhook> log)
{
    /// <summary>Stripe's own libraries' default tolerance: a signed request older than this is a replay.</summary>
    public const long ToleranceSeconds = 300;

    /// <summary>Stripe's events are a few kilobytes; anything far larger is not one.</summary>
    public const int MaxBodyBytes = 512 * 1024;

    public async Task<WebhookAnswer> HandleAsync(string body, string? signature, CancellationToken cancellationToken)
    {
        if (options.Value.Stripe.WebhookSecret is not { Length: > 0 } secret)
            return new WebhookAnswer(404, "Stripe webhooks are not set up (Sources:Stripe:WebhookSecret)");
        try
        {
            EventUtility.ValidateSignature(body, signature ?? "", secret, ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (StripeException)
        {
            log.LogWarning("Stripe webhook refused: its signature does not match, or it was signed more than {Seconds} s ago", ToleranceSeconds);
            Telemetry.ChaseMetrics.Refused.Add(1, new KeyValuePair<string, object?>("endpoint", "webhooks/stripe"));
            return new WebhookAnswer(400, "signature does not match");
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ParseEvent(body, throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or System.Text.Json.JsonException or ArgumentException)
        {
            log.LogWarning("Stripe webhook signed but not an event Stripe.net can read ({Error})", e.GetType().Name);
            return new WebhookAnswer(400, "not a Stripe event");
        }
        if (StripeSource.InvoiceOf(stripeEvent) is not { } invoiceId)
            return new WebhookAnswer(200, "nothing to do"); // an event about something else: acknowledged, so Stripe does not resend it
        if (!source.Configured)
        {
            log.LogWarning("Stripe webhook for invoice {Invoice}, but Stripe is not connected (no API key is set) to read it with", invoiceId);
            return new WebhookAnswer(200, "no API key to read the invoice with");
        }
        Exports.ImportSummary summary;
        try
        {
            summary = await source.RefreshAsync([invoiceId], "stripe webhook", cancellationToken);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Stripe webhook for invoice {Invoice}: Stripe could not be read ({Error}); it will send the event again", invoiceId, e.GetType().Name);
            return new WebhookAnswer(503, "Stripe could not be read; send it again");
        }
        log.LogInformation("Stripe webhook {Type} for invoice {Invoice}: {Updated} updated, {Created} new", stripeEvent.Type, invoiceId,
            summary.Updated, summary.Created);
        return summary.Failed ? new WebhookAnswer(503, "not written; Stripe will send it again") : new WebhookAnswer(200, "ok");
    }
}
