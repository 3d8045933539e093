using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Bot.Http;
using ChaseBot.Core.Conversations;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Teams;
using Microsoft.Extensions.Options;

namespace ChaseBot.Bot.Teams;

/// <summary>
/// POST /api/messages: the Bot Framework's one endpoint. The JWT is validated before the body is read for meaning,
/// and the activity must match the token (serviceUrl, endorsed channel); anything else is a 401 with nothing done.
/// Messages are answered out of band so Teams' 15 seconds are never at risk; card clicks (invokes) are answered in
/// the HTTP response with the updated card.
/// </summary>
public static class TeamsEndpoints
{
    public const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IOptions<TeamsOptions> options, BotFrameworkAuthenticator auth,
        TeamsConversations conversations, ChatDispatcher dispatcher, BotConnectorClient connector, OwedReplies owed, ILoggerFactory logs)
    {
        var log = logs.CreateLogger(nameof(TeamsEndpoints));
        if (!options.Value.Enabled)
            return Results.NotFound();
        var (caller, problem) = await auth.ValidateAsync(context.Request.Headers.Authorization, context.RequestAborted);
        if (caller is null)
            return Refuse(log, context, problem!);
        var body = await Http.RequestBody.ReadAtMostAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
            return Refuse(log, context, "body over the size limit", StatusCodes.Status413PayloadTooLarge);

        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        if (TeamsActivity.Parse(json) is not { } activity)
            return Results.BadRequest();
        if (BotFrameworkAuthenticator.ActivityProblem(caller, activity.ServiceUrl, activity.ChannelId) is { } mismatch)
            return Refuse(log, context, mismatch);

        switch (activity.Type)
        {
            case "conversationUpdate" or "installationUpdate":
                var removed = json["action"]?.ToString() is "remove" or "uninstall" ||
                              (json["membersRemoved"] as JsonArray)?.Any(m => m?["id"]?.ToString() == activity.BotId) == true;
                if (removed)
                    await conversations.RetireAsync(activity.ConversationId, "the bot was removed", context.RequestAborted);
                else
                    await conversations.RememberAsync(activity.Facts, context.RequestAborted);
                return Results.Ok();

            case "message":
                await conversations.RememberAsync(activity.Facts, context.RequestAborted);
                var command = new ChatCommand(TeamsPlatform.PlatformName, activity.User, activity.CommandText, activity.ConversationId, activity.FromName);
                owed.Send($"Answering a Teams message in {activity.ConversationId}", async () =>
                {
                    var reply = await dispatcher.CommandAsync(command);
                    await connector.ReplyAsync(activity.ServiceUrl, activity.ConversationId, activity.Id ?? "", AdaptiveCards.Activity(reply.Message), CancellationToken.None);
                });
                return Results.Ok();

            case "invoke" when json["name"]?.ToString() == "adaptiveCard/action":
                return Results.Json(await CardActionAsync(activity, dispatcher, context.RequestAborted));

            default:
                return Results.Ok(); // typing, reactions and the like: nothing to do
        }
    }

    /// <summary>
    /// A card button, decided by the dispatcher; the answer is the card as it now stands (buttons gone once decided).
    /// A proposal's card is redrawn whole from its state, so a viewer's refresh and the clicker see the same card.
    /// </summary>
    private static async Task<JsonObject> CardActionAsync(TeamsActivity activity, ChatDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var click = new ChatClick(TeamsPlatform.PlatformName, activity.User, activity.Json["value"]?["action"]?["verb"]?.ToString() ?? "",
            activity.Json["value"]?["action"]?["data"]?["value"]?.ToString() ?? "", activity.ConversationId, activity.FromName);
        var answer = await dispatcher.ClickAsync(click, cancellationToken);
        JsonObject card;
        if (answer.ProposalId is { } proposalId)
        {
            // A withdrawal is not a refusal of this click: the card itself says why the proposal no longer stands.
            var now = await dispatcher.ProposalCardAsync(proposalId, answer.Effect == ClickEffect.Refused ? answer.Note.Render(_ => "") : null, cancellationToken);
            card = now.Waiting
                ? AdaptiveCards.Card(now.Content, now.Note, noteColor: AdaptiveCards.Color(now.Tone))
                : AdaptiveCards.Card(now.Content, now.Note, withActions: false, noteColor: AdaptiveCards.Color(now.Tone));
        }
        else
        {
            var said = answer.Note.Render(_ => activity.FromName ?? "you").Split('\n');
            card = AdaptiveCards.Card(new ChatMessage { Title = said[0], Lines = said[1..] }, withActions: false);
        }
        return new JsonObject { ["statusCode"] = 200, ["type"] = AdaptiveCards.ContentType, ["value"] = card };
    }

    private static IResult Refuse(ILogger log, HttpContext context, string why, int status = StatusCodes.Status401Unauthorized)
    {
        log.LogWarning("Refused POST /api/messages from {Remote}: {Why}", context.Connection.RemoteIpAddress, why);
        ChaseBot.Core.Telemetry.ChaseMetrics.Refused.Add(1, new KeyValuePair<string, object?>("endpoint", "teams"));
        return Results.StatusCode(status); // no body: the reason is in the log, not in the answer
    }
}
