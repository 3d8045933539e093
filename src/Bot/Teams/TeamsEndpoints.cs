using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Bot.Http;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Storage;
using ChaseBot.Core.Teams;
using Microsoft.EntityFrameworkCore;
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
        TeamsConversations conversations, ChaseCommands commands, ProposalDecisions decisions, MoraleCheckIns morale,
        BotConnectorClient connector, IDbContextFactory<ChaseDbContext> dbFactory, OwedReplies owed, ChaseSettings settings, ILoggerFactory logs)
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
                var text = activity.CommandText;
                owed.Send($"Answering a Teams message in {activity.ConversationId}", async () =>
                {
                    var reply = await commands.HandleAsync(text, new CommandContext(activity.User, "teams", activity.ConversationId));
                    await connector.ReplyAsync(activity.ServiceUrl, activity.ConversationId, activity.Id ?? "", AdaptiveCards.Activity(reply.Message), CancellationToken.None);
                });
                return Results.Ok();

            case "invoke" when json["name"]?.ToString() == "adaptiveCard/action":
                return Results.Json(await CardActionAsync(activity, decisions, morale, commands, dbFactory, settings.Calendar.Zone, context.RequestAborted));

            default:
                return Results.Ok(); // typing, reactions and the like: nothing to do
        }
    }

    /// <summary>A card button: decide, then answer with the card as it now stands (buttons gone once decided).</summary>
    private static async Task<JsonObject> CardActionAsync(TeamsActivity activity, ProposalDecisions decisions, MoraleCheckIns morale, ChaseCommands commands,
        IDbContextFactory<ChaseDbContext> dbFactory, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var verb = activity.Json["value"]?["action"]?["verb"]?.ToString();
        var value = activity.Json["value"]?["action"]?["data"]?["value"]?.ToString() ?? "";
        JsonObject card;
        if ((ProposalActions.VerdictOf(verb) is not null || verb == ProposalActions.Refresh) &&
            long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var proposalId))
        {
            string? refusal = null;
            if (ProposalActions.VerdictOf(verb) is { } verdict)
            {
                var result = await decisions.DecideAsync(proposalId, activity.User, verdict, cancellationToken: cancellationToken, onItsCard: true,
                    displayName: activity.FromName);
                // A withdrawal is not a refusal of this click: the card itself says why the proposal no longer stands.
                refusal = result.Accepted || result.Status == ProposalStatus.Withdrawn ? null : result.Message;
            }
            card = await ProposalCardAsync(dbFactory, proposalId, refusal, zone, cancellationToken);
        }
        else if (verb == MoraleCheckIns.AnswerAction && MoraleCheckIns.TryReadAnswer(value, out var checkId, out var answer))
        {
            var reply = await morale.AnswerAsync(checkId, activity.User, answer, cancellationToken, postReply: false);
            card = AdaptiveCards.Card(new ChatMessage { Title = "How are you holding up?", Lines = reply.Split('\n') }, withActions: false);
        }
        else if (verb == ClientContacts.MarkSentAction)
        {
            var reply = await commands.MarkDraftSentAsync(value, new CommandContext(activity.User, "teams", activity.ConversationId), cancellationToken);
            card = AdaptiveCards.Card(new ChatMessage { Title = reply.Message.Title }, withActions: false);
        }
        else
            card = AdaptiveCards.Card(new ChatMessage { Title = "That button is no longer understood; nothing was changed." });
        return new JsonObject { ["statusCode"] = 200, ["type"] = AdaptiveCards.ContentType, ["value"] = card };
    }

    /// <summary>
    /// A proposal's card as it stands now, for whoever asks (the clicker, or any viewer refreshing): the original content,
    /// then either the buttons (still waiting) or who decided what and when. A refusal is added without changing state.
    /// </summary>
    private static async Task<JsonObject> ProposalCardAsync(IDbContextFactory<ChaseDbContext> dbFactory, long proposalId, string? refusal,
        TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var original = await OriginalAsync(dbFactory, OutboxKey.ProposalCards(proposalId), cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var proposal = await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        if (proposal is null)
            return AdaptiveCards.Card(new ChatMessage { Title = "This proposal no longer exists." });
        if (proposal.Status == ProposalStatus.Pending)
            return AdaptiveCards.Card(original, refusal, noteColor: "Attention");
        var decided = proposal.Status == ProposalStatus.Withdrawn
            ? $"Withdrawn, because {proposal.Reason}. Nothing was sent."
            : proposal.Status switch
            {
                ProposalStatus.Approved => "Approved",
                ProposalStatus.Rejected => "Rejected",
                _ => $"Snoozed until {proposal.SnoozedUntil:d MMM}",
            } + $" by {await ChatPeople.NameAsync(db, proposal.DecidedBy, cancellationToken)} at {(proposal.DecidedAt is { } at ? Core.Text.ZoneTime.ClockAndDay(new DateTimeOffset(at, TimeSpan.Zero), zone) : "an unknown time")}" +
              (proposal.Reason is { } why ? $": {why}" : "");
        // The actions stay in the message: the card's refresh reads the proposal from them (withActions: false hides the buttons).
        var settled = ChaseMessages.Settled(original) with { Actions = original.Actions };
        var color = refusal is not null ? "Attention"
            : proposal.Status switch { ProposalStatus.Approved => "Good", ProposalStatus.Withdrawn => "Warning", _ => "Default" };
        return AdaptiveCards.Card(settled, refusal is null ? decided : $"{decided} ({refusal})", withActions: false, noteColor: color);
    }

    /// <summary>The message a card was made from, kept in the outbox, so the updated card shows the same content.</summary>
    private static async Task<ChatMessage> OriginalAsync(IDbContextFactory<ChaseDbContext> dbFactory, string keyPrefix, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var body = await db.Outbox.Where(m => m.Key.StartsWith(keyPrefix)).OrderByDescending(m => m.Id).Select(m => m.Body).FirstOrDefaultAsync(cancellationToken);
        return body is null ? new ChatMessage { Title = "Escalation proposal" } : ChatMessage.FromJson(body);
    }

    private static IResult Refuse(ILogger log, HttpContext context, string why, int status = StatusCodes.Status401Unauthorized)
    {
        log.LogWarning("Refused POST /api/messages from {Remote}: {Why}", context.Connection.RemoteIpAddress, why);
        return Results.StatusCode(status); // no body: the reason is in the log, not in the answer
    }
}
