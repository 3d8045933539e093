using System.Text;
using ChaseBot.Bot.Http;
using ChaseBot.Core.Sources;
using ChaseBot.Core.Sources.Stripe;
using ChaseBot.Core.Sources.QuickBooks;
using ChaseBot.Core.Sources.Xero;

namespace ChaseBot.Bot.Sources;

/// <summary>The connected sources' webhooks: each verifies its own signature before anything in the body is read.</summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", StripeAsync);
        app.MapPost("/webhooks/xero", XeroAsync);
        app.MapPost("/webhooks/quickbooks", QuickBooksAsync);
        return app;
    }

    private static async Task<IResult> StripeAsync(HttpContext context, StripeWebhook webhook)
    {
        var body = await RequestBody.ReadAtMostAsync(context.Request, StripeWebhook.MaxBodyBytes, context.RequestAborted);
        if (body is null)
            return Results.Text("too large", statusCode: StatusCodes.Status413PayloadTooLarge);
        var answer = await webhook.HandleAsync(Encoding.UTF8.GetString(body), context.Request.Headers["Stripe-Signature"].FirstOrDefault(),
            context.RequestAborted);
        return Results.Text(answer.Body, statusCode: answer.Status);
    }

    private static Task<IResult> XeroAsync(HttpContext context, XeroWebhook webhook) =>
        SignedWithKeyAsync(context, XeroWebhook.MaxBodyBytes, "x-xero-signature", webhook.HandleAsync);

    private static Task<IResult> QuickBooksAsync(HttpContext context, QuickBooksWebhook webhook) =>
        SignedWithKeyAsync(context, QuickBooksWebhook.MaxBodyBytes, "intuit-signature", webhook.HandleAsync);

    /// <summary>Books that sign with a shared key get the raw bytes and the header; an empty answer is sent with no body (Xero's intent-to-receive check wants none).</summary>
    private static async Task<IResult> SignedWithKeyAsync(HttpContext context, int maxBytes, string header,
        Func<byte[], string?, CancellationToken, Task<WebhookAnswer>> handle)
    {
        var body = await RequestBody.ReadAtMostAsync(context.Request, maxBytes, context.RequestAborted);
        if (body is null)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        var answer = await handle(body, context.Request.Headers[header].FirstOrDefault(), context.RequestAborted);
        return answer.Body.Length == 0 ? Results.StatusCode(answer.Status) : Results.Text(answer.Body, statusCode: answer.Status);
    }
}
