using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChaseBot.Core.Delivery;

namespace ChaseBot.Core.Slack;

/// <summary>
/// Renders a platform-neutral message as Slack Block Kit, inside Slack's limits: long text is split across
/// sections, too many lines are summarised, and there is always a plain-text fallback. Text that came from users
/// or exports is escaped, so a client called "&lt;!channel&gt;" cannot ping a whole channel.
/// </summary>
public static partial class BlockKit
{
    public const int MaxBlocks = 50;
    public const int MaxSectionText = 3000;
    public const int MaxHeader = 150;
    public const int MaxButtonText = 75;
    public const int MaxValue = 2000;
    public const int MaxId = 255;

    [GeneratedRegex("^[UW][A-Z0-9]{2,30}$")]
    private static partial Regex SlackUserId();

    public static JsonObject Message(ChatMessage message)
    {
        // A title that is a whole sentence (a refusal, an answer) reads as text, not as a heading.
        var blocks = new List<JsonObject> { message.TitleIsSentence ? Section($"*{Escape(message.Title)}*") : Header(message.Title) };
        var mentions = message.Mentions.Select(Mention).ToList();
        if (mentions.Count > 0)
            blocks.Add(Context(string.Join(" ", mentions)));
        if (message.Table.Count > 0)
            blocks.AddRange(Preformatted(message.TableText()));
        blocks.AddRange(Sections(message.Lines.Select(EscapeKeepingMentions)));
        if (message.Email is { } email)
        {
            var head = $"*Email draft*\n*To:* {Escape(email.To)}" + (email.Cc is null ? "" : $"\n*Cc:* {Escape(email.Cc)}") +
                       $"\n*Subject:* {Escape(email.Subject)}";
            blocks.Add(Section(head));
            blocks.AddRange(Preformatted(email.Body));
        }
        if (message.Artifact is { } artifact)
            blocks.AddRange(Preformatted(artifact));
        var actions = message.Actions.Count > 0 ? ActionsBlock(message.Actions) : null;

        var room = MaxBlocks - (actions is null ? 0 : 1);
        if (blocks.Count > room)
        {
            var hidden = blocks.Count - (room - 1);
            blocks = [.. blocks.Take(room - 1), Context($"… {Text.Counted.Of(hidden, "more part")} not shown here: the full list is in the digest and `status`.")];
        }
        if (actions is not null)
            blocks.Add(actions);

        var fallback = string.Join("\n", new[] { message.Title, message.TableText() }.Where(t => t.Length > 0).Concat(message.Lines.Take(10)));
        return new JsonObject
        {
            ["text"] = Truncate(Escape(fallback), MaxSectionText),
            ["blocks"] = new JsonArray([.. blocks]),
        };
    }

    /// <summary>A note from Core as mrkdwn: its words escaped, the person it names as a mention.</summary>
    public static string Note(Conversations.ChatNote note) =>
        note.By is null ? Escape(note.Text) : Escape(note.Text) + note.By.Render($"<@{Escape(note.By.Person)}>", Escape);

    /// <summary>
    /// The message after a decision: the same content, the buttons replaced by who decided what and when.
    /// <paramref name="decisionMrkdwn"/> is mrkdwn (it carries a &lt;@user&gt; mention): escape any user text in it first.
    /// </summary>
    /// <param name="dropLine">A line that the decision made untrue: removed from the sections that carry it.</param>
    public static JsonObject Decided(JsonArray? originalBlocks, string title, string decisionMrkdwn, string? dropLine = null)
    {
        var blocks = new JsonArray();
        foreach (var block in originalBlocks ?? [])
        {
            if (block?["type"]?.GetValue<string>() == "actions")
                continue;
            var copy = block!.DeepClone();
            if (dropLine is not null && copy["type"]?.GetValue<string>() == "section" && copy["text"]?["text"]?.GetValue<string>() is { } text)
            {
                var kept = text.Split('\n').Where(l => !l.StartsWith(Escape(dropLine), StringComparison.Ordinal)).ToList();
                if (kept.Count == 0)
                    continue;
                copy["text"]!["text"] = string.Join('\n', kept);
            }
            blocks.Add(copy);
        }
        if (blocks.Count == 0)
            blocks.Add(Header(title));
        while (blocks.Count >= MaxBlocks)
            blocks.RemoveAt(blocks.Count - 1);
        blocks.Add(Context(decisionMrkdwn));
        return new JsonObject { ["replace_original"] = true, ["text"] = Truncate($"{Escape(title)} — {decisionMrkdwn}", MaxSectionText), ["blocks"] = blocks };
    }

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>
    /// Escapes a line of text but keeps the user and channel mentions in it ("owner &lt;@U0KIRI&gt;"), which Slack shows
    /// as names; escaped, a reader would see the raw id in angle brackets. Broadcasts (&lt;!channel&gt;) stay escaped.
    /// </summary>
    public static string EscapeKeepingMentions(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length + 16);
        var at = 0;
        foreach (Match mention in SlackMention().Matches(text))
        {
            kept.Append(Escape(text[at..mention.Index])).Append(mention.Value);
            at = mention.Index + mention.Length;
        }
        return kept.Append(Escape(text[at..])).ToString();
    }

    [GeneratedRegex(@"<(?:@[UW][A-Z0-9]{2,30}|#C[A-Z0-9]{2,30})(?:\|[^<>&|]{0,80})?>")]
    private static partial Regex SlackMention();

    private static string Mention(string user) => SlackUserId().IsMatch(user) ? $"<@{user}>" : "@" + Escape(user);

    private static JsonObject Header(string title) => new()
    {
        ["type"] = "header",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(title, MaxHeader), ["emoji"] = true },
    };

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate(mrkdwn, MaxSectionText) },
    };

    private static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate(mrkdwn, MaxSectionText) }),
    };

    /// <summary>Lines packed into as few sections as fit, never cutting a line unless it alone is too long.</summary>
    private static IEnumerable<JsonObject> Sections(IEnumerable<string> lines)
    {
        var current = new List<string>();
        var length = 0;
        foreach (var line in lines.Select(l => Truncate(l, MaxSectionText)))
        {
            if (length + line.Length + 1 > MaxSectionText && current.Count > 0)
            {
                yield return Section(string.Join("\n", current));
                (current, length) = ([], 0);
            }
            current.Add(line);
            length += line.Length + 1;
        }
        if (current.Count > 0)
            yield return Section(string.Join("\n", current));
    }

    /// <summary>Text to copy as it is (an email, a notice) in code blocks, split at line ends to fit.</summary>
    private static IEnumerable<JsonObject> Preformatted(string text)
    {
        const int room = MaxSectionText - 8; // the ``` fences
        var chunk = new List<string>();
        var length = 0;
        foreach (var raw in Escape(text).Split('\n'))
        {
            var line = Truncate(raw, room);
            if (length + line.Length + 1 > room && chunk.Count > 0)
            {
                yield return Section("```" + string.Join("\n", chunk) + "```");
                (chunk, length) = ([], 0);
            }
            chunk.Add(line);
            length += line.Length + 1;
        }
        if (chunk.Count > 0)
            yield return Section("```" + string.Join("\n", chunk) + "```");
    }

    private static JsonObject ActionsBlock(IReadOnlyList<ChatAction> actions) => new()
    {
        ["type"] = "actions",
        ["block_id"] = Truncate("actions:" + actions[0].Value, MaxId),
        ["elements"] = new JsonArray([.. actions.Take(25).Select(Button)]),
    };

    private static JsonObject Button(ChatAction action)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = Truncate(action.Id, MaxId),
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(action.Label, MaxButtonText) },
            ["value"] = Truncate(action.Value, MaxValue),
        };
        if (action.Style is "primary" or "danger")
            button["style"] = action.Style;
        if (action.Confirm is { } confirm)
            button["confirm"] = new JsonObject
            {
                ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Are you sure?" },
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(confirm, 300) },
                ["confirm"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(action.Label, 30) },
                ["deny"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Cancel" },
            };
        return button;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
