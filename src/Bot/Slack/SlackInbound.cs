using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Bot.Http;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Slack;

namespace ChaseBot.Bot.Slack;

/// <summary>A /chase command as Slack sends it (form fields over HTTP, the same fields as JSON through Socket Mode).</summary>
public sealed record SlashCommand(string UserId, string Text, string ChannelId, string? ResponseUrl)
{
    public static SlashCommand? From(Func<string, string?> field) =>
        field("user_id") is { Length: > 0 } user ? new(user, field("text") ?? "", field("channel_id") ?? "", field("response_url")) : null;
}

/// <summary>
/// What ChaseBot does with each kind of request from Slack, whichever way it came (HTTP to /slack/*, or a Socket Mode
/// envelope): one code path from the payload on, so roles, audit and answers are the same both ways.
/// </summary>
public sealed class SlackInbound(ChaseCommands commands, ProposalDecisions decisions, MoraleCheckIns morale, SlackFollowUps followUps,
    SlackHomeTab home, SlackReceipts receipts, OwedReplies owed, TimeProvider clock, ChaseSettings settings, ILogger<SlackInbound> log)
{
    /// <summary>Chase:TimeZone: a decided card says when in the time its readers keep.</summary>
    private readonly TimeZoneInfo zone = settings.Calendar.Zone;
    // Slack allows 3 s end to end; 2 s leaves room for the network and a busy thread pool.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The answer to a command, as the JSON Slack shows: the reply itself when it is ready within the budget, otherwise
    /// "Working on it…", with the reply posted to the command's response_url when it is done.
    /// </summary>
    /// <param name="receipt">For a request Slack may deliver again (a Socket Mode envelope): taken once, inside the budget
    /// (the database may be busy with an import); a second delivery gets an empty answer.</param>
    public async Task<byte[]> CommandAsync(SlashCommand command, string? receipt = null, CancellationToken cancellationToken = default)
    {
        // On the thread pool: SQLite waits for another process's lock synchronously, and Slack's 3 seconds must not wait with it.
        var reply = Task.Run(async () => receipt is null || await receipts.FirstTimeAsync(receipt, everywhere: !ChaseCommands.OnlyReads(command.Text))
            ? await commands.HandleAsync(command.Text, new CommandContext(command.UserId, "slack", command.ChannelId))
            : null);
        try
        {
            // WaitAsync drops its timer as soon as the answer is ready; a Task.Delay per request stayed queued for the
            // whole budget (thousands of live timers under load).
            var answer = await reply.WaitAsync(Budget, cancellationToken);
            return answer is null ? AlreadyAnswered : Rendered.GetValue(answer, a => JsonSerializer.SerializeToUtf8Bytes(Render(a)));
        }
        catch (TimeoutException)
        {
        }

        owed.Send("A slow /chase command", async () =>
        {
            if (await reply is { } late)
                await followUps.PostAsync(command.ResponseUrl, Render(late));
        });
        return WorkingOnIt;
    }

    /// <summary>The answer to a command delivered again: nothing to show (the first delivery answers).</summary>
    public static readonly byte[] AlreadyAnswered = "{}"u8.ToArray();

    /// <summary>Takes a request Slack may deliver more than once (see <see cref="SlackReceipts"/>): true the first time only.</summary>
    public Task<bool> TakeOnceAsync(string receipt) => receipts.FirstTimeAsync(receipt);

    /// <summary>The answer while a slow command finishes (its reply then goes to the response_url).</summary>
    public static readonly byte[] WorkingOnIt = """{"response_type":"ephemeral","text":"Working on it…"}"""u8.ToArray();

    /// <summary>
    /// Each answer rendered once: an answer served again while the ledger is unchanged (a repeated status) is the same
    /// object, so its Block Kit is built and serialised once rather than on every request.
    /// </summary>
    private static readonly ConditionalWeakTable<CommandReply, byte[]> Rendered = new();

    public static JsonObject Render(CommandReply reply)
    {
        var message = BlockKit.Message(reply.Message);
        message["response_type"] = reply.Public ? "in_channel" : "ephemeral";
        return message;
    }

    /// <summary>
    /// A button: a proposal's (decided through the same Core function the CLI and Teams use) or a morale answer. On a
    /// message, the message is updated in place (buttons gone, who decided what and when) through response_url, and a
    /// click that changes nothing says so privately. On the Home tab, the Home is published again with the answer on top.
    /// </summary>
    /// <returns>False when the payload is not a button click ChaseBot can read (HTTP answers 400).</returns>
    public async Task<bool> InteractionAsync(JsonObject payload)
    {
        var user = Text(payload["user"]?["id"]);
        var action = (payload["actions"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var actionId = Text(action?["action_id"]);
        var value = Text(action?["value"]);
        if (Text(payload["type"]) != "block_actions" || user is null || actionId is null || value is null)
            return false;
        var displayName = Text(payload["user"]?["name"]) ?? Text(payload["user"]?["username"]);
        var onHome = Text(payload["container"]?["type"]) == "view" || Text(payload["view"]?["type"]) == "home";
        var blocks = payload["message"]?["blocks"] as JsonArray;
        var title = Text(blocks?.FirstOrDefault()?["text"]?["text"]) ?? "ChaseBot";

        JsonObject update;
        if (ProposalActions.VerdictOf(actionId) is { } verdict &&
            long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var proposalId))
        {
            // Slack sends the person's handle with the click; the card itself shows them as a mention. A click on the
            // Home is not on the proposal's card, so the posted card is updated by the outbox like any other decision.
            var result = await decisions.DecideAsync(proposalId, user, verdict, onItsCard: !onHome, displayName: displayName);
            // The decider's Home lists what waits for them: it is published again either way (on the Home, with the answer on top).
            owed.Send("Publishing the Home", () => home.PublishAsync(user, onHome ? result.Message : null, CancellationToken.None));
            if (onHome)
                return true;
            update = result.Accepted
                ? BlockKit.Decided(blocks, title,
                    $"{BlockKit.Escape(result.Message)} ({ProposalActions.PastTense(verdict)} by <@{BlockKit.Escape(user)}> at {Core.Text.ZoneTime.ClockAndDay(clock.GetUtcNow(), zone)})",
                    dropLine: ChaseMessages.DecisionPending)
                : result.Status == ProposalStatus.Withdrawn // it no longer stands: the card says so for everyone, without buttons
                    ? BlockKit.Decided(blocks, title, BlockKit.Escape(result.Message), dropLine: ChaseMessages.DecisionPending)
                    : Private(result.Message);
        }
        else if (actionId == MoraleCheckIns.AnswerAction && MoraleCheckIns.TryReadAnswer(value, out var checkId, out var answer))
        {
            var reply = await morale.AnswerAsync(checkId, user, answer, postReply: false); // shown in place instead
            update = BlockKit.Decided(blocks, title, BlockKit.Escape($"You answered: {answer}. {reply}"));
        }
        else if (actionId == ClientContacts.MarkSentAction)
        {
            // The person sent the draft themselves: recorded as contact; the draft loses its button and says who sent it.
            var reply = await commands.MarkDraftSentAsync(value, new CommandContext(user, "slack"));
            update = reply.Outcome == CommandOutcome.Done
                ? BlockKit.Decided(blocks, title, $"{BlockKit.Escape(reply.Message.Title)} (by <@{BlockKit.Escape(user)}>)", dropLine: ChaseMessages.SendItYourself)
                : Private(reply.Message.Title);
        }
        else if (onHome)
        {
            owed.Send("Publishing the Home", () => home.PublishAsync(user, "That button is no longer understood; nothing was changed.", CancellationToken.None));
            return true;
        }
        else
            update = Private("That button is no longer understood; nothing was changed.");

        owed.Send("Updating a clicked message", () => followUps.PostAsync(Text(payload["response_url"]), update, CancellationToken.None));
        return true;
    }

    /// <summary>An Events API callback: the Home tab is published when someone opens it. Other events are not subscribed to.</summary>
    public async Task EventAsync(JsonObject callback, CancellationToken cancellationToken = default)
    {
        var e = callback["event"] as JsonObject;
        if (e is not null && Text(e["type"]) == "app_home_opened" && Text(e["tab"]) is null or "home" &&
            Text(e["user"]) is { Length: > 0 } user)
            await home.PublishAsync(user, notice: null, cancellationToken);
        else
            log.LogDebug("Ignored a Slack event of type {Type}", Text(e?["type"]) ?? "(none)");
    }

    /// <summary>A JSON field's text, or null when it is missing or not text (a payload is read, never trusted to be well formed).</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The key a request is taken once by: an event's own id (the same on every retry and both ways in), else the envelope's.</summary>
    public static string ReceiptKey(string envelopeId, JsonObject? payload) =>
        Text(payload?["event_id"]) is { Length: > 0 } eventId ? "event:" + eventId : "envelope:" + envelopeId;

    private static JsonObject Private(string text) => new()
    {
        ["response_type"] = "ephemeral",
        ["replace_original"] = false,
        ["text"] = BlockKit.Escape(text),
    };
}
