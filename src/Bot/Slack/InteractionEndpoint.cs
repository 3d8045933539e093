using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Slack;

namespace ChaseBot.Bot.Slack;

/// <summary>
/// POST /slack/interactions: proposal buttons and morale answers. The decision is made through the same Core
/// function the CLI and Teams use; the clicked message is then updated in place (buttons gone, who decided what
/// and when), and a click that changes nothing says so privately.
/// </summary>
public static class InteractionEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ProposalDecisions decisions, MoraleCheckIns morale,
        SlackFollowUps followUps, TimeProvider clock)
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
        var user = payload["user"]?["id"]?.GetValue<string>();
        var action = (payload["actions"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var actionId = action?["action_id"]?.GetValue<string>();
        var value = action?["value"]?.GetValue<string>();
        var responseUrl = payload["response_url"]?.GetValue<string>();
        if (payload["type"]?.GetValue<string>() != "block_actions" || user is null || actionId is null || value is null)
            return Results.BadRequest();
        var blocks = payload["message"]?["blocks"] as JsonArray;
        var title = blocks?.FirstOrDefault()?["text"]?["text"]?.GetValue<string>() ?? "ChaseBot";

        JsonObject update;
        if (ProposalActions.VerdictOf(actionId) is { } verdict &&
            long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var proposalId))
        {
            // Slack sends the person's handle with the click; the card itself shows them as a mention.
            var result = await decisions.DecideAsync(proposalId, user, verdict, onItsCard: true,
                displayName: payload["user"]?["name"]?.GetValue<string>() ?? payload["user"]?["username"]?.GetValue<string>());
            update = result.Accepted
                ? BlockKit.Decided(blocks, title,
                    $"{BlockKit.Escape(result.Message)} ({ProposalActions.PastTense(verdict)} by <@{BlockKit.Escape(user)}> at {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC)",
                    dropLine: ChaseMessages.DecisionPending)
                : result.Status == ProposalStatus.Withdrawn // it no longer stands: the card says so for everyone, without buttons
                    ? BlockKit.Decided(blocks, title, BlockKit.Escape(result.Message), dropLine: ChaseMessages.DecisionPending)
                    : Private(result.Message);
        }
        else if (actionId == MoraleCheckIns.AnswerAction && value.Split(':') is [var id, var answer] &&
                 long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var checkId))
        {
            var reply = await morale.AnswerAsync(checkId, user, answer, postReply: false); // shown in place instead
            update = BlockKit.Decided(blocks, title, BlockKit.Escape($"You answered: {answer}. {reply}"));
        }
        else
            update = Private("That button is no longer understood; nothing was changed.");

        _ = followUps.PostAsync(responseUrl, update);
        return Results.Ok();
    }


    private static JsonObject Private(string text) => new()
    {
        ["response_type"] = "ephemeral",
        ["replace_original"] = false,
        ["text"] = BlockKit.Escape(text),
    };
}
