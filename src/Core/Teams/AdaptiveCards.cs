using ChaseBot.Core.Chasing;
using System.Text.Json.Nodes;
using ChaseBot.Core.Delivery;

namespace ChaseBot.Core.Teams;

/// <summary>
/// Renders a platform-neutral message as an Adaptive Card 1.5. Buttons are Action.Execute (verb + data), so Teams
/// sends a click back as an invoke and the card is replaced with the answer. Cards stay under Teams' 40 KB message
/// limit: long lists are summarised, never rejected.
/// </summary>
public static class AdaptiveCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const int MaxBytes = 36 * 1024; // 40 KB per message, less the activity around the card.

    /// <param name="noteColor">
    /// How the note reads at a glance (Adaptive Card text colours): "Good" for a decision carried out, "Attention" for a
    /// refusal, "Warning" for a proposal that no longer stands, "Default" otherwise. A refusal is never green.
    /// </param>
    /// <param name="picture">The message's picture by address (Teams fetches it), with its words for those who cannot see it.</param>
    public static JsonObject Card(ChatMessage message, string? decidedNote = null, bool withActions = true, string noteColor = "Good",
        (Uri Url, string AltText)? picture = null)
    {
        // Summarise until it fits: first the list of lines, then the long texts (email draft, artifact).
        var lines = message.Lines.ToList();
        var shortened = message;
        for (var attempt = 0; ; attempt++)
        {
            var card = Build(shortened, lines, decidedNote, withActions, noteColor, picture);
            if (card.ToJsonString().Length <= MaxBytes || attempt > 20)
                return card;
            if (lines.Count > 6)
            {
                var keep = lines.Count / 2;
                lines = [.. message.Lines.Take(keep), $"… and {message.Lines.Count - keep} more (see the digest or status)"];
                continue;
            }
            var room = Math.Max(500, MaxBytes / 4 >> attempt);
            lines = lines.Select(line => Shorten(line, room)).ToList();
            shortened = shortened with
            {
                Email = shortened.Email is { } email ? email with { Body = Shorten(email.Body, room) } : null,
                Artifact = shortened.Artifact is { } artifact ? Shorten(artifact, room) : null,
            };
        }
    }

    /// <summary>The Adaptive Card text colour for how a note reads.</summary>
    public static string Color(Conversations.NoteTone tone) => tone switch
    {
        Conversations.NoteTone.Good => "Good",
        Conversations.NoteTone.Warning => "Warning",
        Conversations.NoteTone.Attention => "Attention",
        _ => "Default",
    };

    private static string Shorten(string text, int max) =>
        text.Length <= max ? text : text[..max] + "\n… (shortened to fit Teams; the full text is in the digest and status)";

    /// <summary>A message activity carrying the card, with a plain summary for notifications and old clients.</summary>
    public static JsonObject Activity(ChatMessage message, (Uri Url, string AltText)? picture = null) => new()
    {
        ["type"] = "message",
        ["summary"] = message.Title.Length > 200 ? message.Title[..200] : message.Title,
        ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = ContentType, ["content"] = Card(message, picture: picture) }),
    };

    private static JsonObject Build(ChatMessage message, IReadOnlyList<string> lines, string? decidedNote, bool withActions, string noteColor,
        (Uri Url, string AltText)? picture)
    {
        // A title that is a whole sentence (a refusal, an answer) reads as text, not as a heading.
        var body = new JsonArray { message.TitleIsSentence ? Text(message.Title, bold: true) : Text(message.Title, bold: true, size: "Medium") };
        if (picture is { } image)
            body.Add(new JsonObject { ["type"] = "Image", ["url"] = image.Url.AbsoluteUri, ["altText"] = image.AltText, ["size"] = "Stretch" });
        var mentions = message.Mentions.Where(ChatTarget.IsTeams).ToList();
        if (mentions.Count > 0)
            body.Add(Text(string.Join(" ", mentions.Select((_, i) => $"<at>owner{i + 1}</at>"))));
        if (message.Table.Count > 0)
            body.Add(Table(message.Table));
        foreach (var line in lines)
            body.Add(Text(line));
        if (message.Email is { } email)
        {
            var facts = new JsonArray { Fact("To", email.To) };
            if (email.Cc is not null)
                facts.Add(Fact("Cc", email.Cc));
            facts.Add(Fact("Subject", email.Subject));
            body.Add(new JsonObject
            {
                ["type"] = "Container", ["style"] = "emphasis",
                ["items"] = new JsonArray(Text("Email draft", bold: true), new JsonObject { ["type"] = "FactSet", ["facts"] = facts }, Monospace(email.Body)),
            });
        }
        if (message.Artifact is { } artifact)
            body.Add(new JsonObject { ["type"] = "Container", ["style"] = "emphasis", ["items"] = new JsonArray(Monospace(artifact)) });
        if (decidedNote is not null)
            body.Add(Text(decidedNote, bold: true, color: noteColor));

        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (withActions && message.Actions.Count > 0)
            card["actions"] = new JsonArray([.. message.Actions.Select(a => (JsonNode)new JsonObject
            {
                ["type"] = "Action.Execute",
                ["title"] = a.Label,
                ["verb"] = a.Id,
                ["data"] = new JsonObject { ["value"] = a.Value },
                ["style"] = a.Style switch { "primary" => "positive", "danger" => "destructive", _ => "default" },
            })]);
        // Proposal cards refresh for every viewer (automatically in conversations of up to 60 people), so everyone
        // sees the decision, not only the person who clicked.
        if (message.Actions.FirstOrDefault(a => ProposalActions.IsProposalAction(a.Id)) is { } proposal)
            card["refresh"] = new JsonObject
            {
                ["action"] = new JsonObject
                {
                    ["type"] = "Action.Execute", ["title"] = "Refresh", ["verb"] = ProposalActions.Refresh,
                    ["data"] = new JsonObject { ["value"] = proposal.Value },
                },
            };
        if (mentions.Count > 0)
            card["msteams"] = new JsonObject
            {
                ["entities"] = new JsonArray([.. mentions.Select((m, i) => (JsonNode)new JsonObject
                {
                    ["type"] = "mention",
                    ["text"] = $"<at>owner{i + 1}</at>",
                    ["mentioned"] = new JsonObject { ["id"] = new ChatTarget(m).Address, ["name"] = "owner" },
                })]),
            };
        return card;
    }

    private static JsonObject Text(string text, bool bold = false, string? size = null, string? color = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (bold)
            block["weight"] = "Bolder";
        if (size is not null)
            block["size"] = size;
        if (color is not null)
            block["color"] = color;
        return block;
    }

    /// <summary>An Adaptive Cards 1.5 Table: the first row is the header; amounts are right-aligned.</summary>
    private static JsonObject Table(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var columns = rows.Max(r => r.Count);
        return new JsonObject
        {
            ["type"] = "Table",
            ["firstRowAsHeader"] = true,
            ["gridStyle"] = "accent",
            ["columns"] = new JsonArray([.. Enumerable.Range(0, columns).Select(_ => (JsonNode)new JsonObject { ["width"] = 1 })]),
            ["rows"] = new JsonArray([.. rows.Select(row => (JsonNode)new JsonObject
            {
                ["type"] = "TableRow",
                ["cells"] = new JsonArray([.. Enumerable.Range(0, columns).Select(c => (JsonNode)new JsonObject
                {
                    ["type"] = "TableCell",
                    ["items"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "TextBlock", ["text"] = c < row.Count ? row[c] : "", ["wrap"] = true,
                        ["horizontalAlignment"] = c == 0 ? "Left" : "Right",
                    }),
                })]),
            })]),
        };
    }

    private static JsonObject Monospace(string text) => new() { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true, ["fontType"] = "Monospace" };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}
