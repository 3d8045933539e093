using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Bot.Http;

namespace ChaseBot.Bot.Slack;

/// <summary>
/// POST /slack/events: the Events API over HTTP (JSON, already verified as Slack's). Answers the url_verification
/// challenge Slack sends when the request URL is saved; takes each event once by its event_id (Slack sends it again,
/// with X-Slack-Retry-Num, when it did not see a 200 within 3 seconds) and handles it after answering.
/// </summary>
public static class EventsEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, SlackInbound inbound, OwedReplies owed)
    {
        JsonObject callback;
        try
        {
            callback = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                       ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        switch (SlackInbound.Text(callback["type"]))
        {
            case "url_verification" when SlackInbound.Text(callback["challenge"]) is { } challenge:
                return Results.Json(new { challenge });
            case "event_callback" when SlackInbound.Text(callback["event_id"]) is { Length: > 0 }:
                owed.Send("A Slack event", async () =>
                {
                    if (await inbound.TakeOnceAsync(SlackInbound.ReceiptKey("", callback)))
                        await inbound.EventAsync(callback);
                });
                return Results.Ok();
            default:
                return Results.BadRequest();
        }
    }
}
