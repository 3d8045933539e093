using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChaseBot.Bot.Http;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Conversations;
using ChaseBot.Core.Slack;

namespace ChaseBot.Bot.Slack;

/// <summary>A /chase command as Slack sends it (form fields over HTTP, the same fields as JSON through Socket Mode).</summary>
public sealed record SlashCommand(string UserId, string Text, string ChannelId, string? ResponseUrl, string? UserName = null)
{
    public static SlashCommand? From(Func<string, string?> field) =>
        field("user_id") is { Length: > 0 } user
            ? new(user, field("text") ?? "", field("channel_id") ?? "", field("response_url"), field("user_name"))
            : null;

    /// <summary>The command as the one grammar reads it: Slack's markup read into plain words and the ids it resolved.</summary>
    public ChatCommand ToChat()
    {
        var (text, references) = SlackMarkup.Read(Text);
        return new(SlackPlatform.PlatformName, UserId, text, ChannelId, UserName, references);
    }
}

/// <summary>
/// What ChaseBot does with each kind of request from Slack, whichever way it came (HTTP to /slack/*, or a Socket Mode
/// envelope): one code path from the payload on, so roles, audit and answers are the same both ways.
/// </summary>
public sealed class SlackInbound(ChatDispatcher dispatcher, SlackFollowUps followUps, SlackHomeTab home, SlackReceipts receipts,
    OwedReplies owed, ILogger<SlackInbound> log)
{
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
        var reply = Task.Run(async () => receipt is null || await receipts.FirstTimeAsync(receipt, everywhere: !ChatDispatcher.OnlyReads(command.Text))
            ? await dispatcher.CommandAsync(command.ToChat())
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
    /// A button, decided by the dispatcher like every platform's. On a message, the message is updated in place through
    /// response_url: its content kept, the buttons (and any line the click made untrue) replaced by the dispatcher's
    /// note; a click that changes nothing is answered privately. On the Home tab, the Home is published again with the
    /// answer on top.
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
        // Slack sends the person's handle with the click; the card itself shows them as a mention.
        var displayName = Text(payload["user"]?["name"]) ?? Text(payload["user"]?["username"]);
        var onHome = Text(payload["container"]?["type"]) == "view" || Text(payload["view"]?["type"]) == "home";
        var answer = await dispatcher.ClickAsync(new ChatClick(SlackPlatform.PlatformName, user, actionId, value,
            Text(payload["channel"]?["id"]), displayName, onHome));

        // The decider's Home lists what waits for them: it is published again after a decision (on the Home, with the answer on top).
        if (onHome || answer.ProposalId is not null && answer.Effect != ClickEffect.Unchanged)
            owed.Send("Publishing the Home", () => home.PublishAsync(user, onHome ? answer.Note.Text : null, CancellationToken.None));
        if (onHome)
            return true;
        var blocks = payload["message"]?["blocks"] as JsonArray;
        var title = Text(blocks?.FirstOrDefault()?["text"]?["text"]) ?? "ChaseBot";
        var update = answer.Effect == ClickEffect.Settled
            ? BlockKit.Decided(blocks, title, BlockKit.Note(answer.Note), dropLine: answer.DropLine)
            : Private(answer.Note.Render(person => person));
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
