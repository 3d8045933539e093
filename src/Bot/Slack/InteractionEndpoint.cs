using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChaseBot.Bot.Slack;

/// <summary>POST /slack/interactions: proposal buttons and morale answers, one form field "payload" holding JSON.</summary>
public static class InteractionEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, SlackInbound inbound)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(form["payload"].ToString()) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        return await inbound.InteractionAsync(payload) ? Results.Ok() : Results.BadRequest();
    }
}
