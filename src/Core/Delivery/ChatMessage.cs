using System.Text.Json;

namespace ChaseBot.Core.Delivery;

/// <summary>A button: an action id the platform sends back, with the value that identifies what it acts on.</summary>
/// <param name="Confirm">For steps that bite (service reduction, suspension, hand-off): asked again before it counts.</param>
public sealed record ChatAction(string Id, string Label, string Value, string Style = "default", string? Confirm = null);

/// <summary>
/// A picture that goes with the message (the digest's chart), kept in the ledger as <see cref="Digests.DigestChart"/>:
/// Slack uploads it, Teams shows it from the Bot's signed address, the console writes it to a file.
/// </summary>
public sealed record ChatPicture(long ChartId, string AltText, string FileName, string Title);

public sealed record EmailDraft(string To, string? Cc, string Subject, string Body);

/// <summary>
/// A message composed once, platform-neutral, and rendered at the edge: to text for the console now, to Block
/// Kit for Slack and to an Adaptive Card for Teams later. Decisions live in Core; platforms only render.
/// </summary>
public sealed record ChatMessage
{
    public required string Title { get; init; }

    /// <summary>
    /// The title is a whole sentence ("There is no client \"Acme\".", "Digest queued for …"), not a heading: platforms
    /// show it as text, never as a header.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool TitleIsSentence => Title.TrimEnd().EndsWith('.') || Title.TrimEnd().EndsWith('?') || Title.TrimEnd().EndsWith('!');

    /// <summary>Chat user ids to mention (the owner).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];
    /// <summary>A table shown before the lines (totals and aging in a digest); the first row is the header.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Table { get; init; } = [];

    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>The table as aligned monospace text (the console, Slack), amounts right-aligned.</summary>
    public string TableText()
    {
        if (Table.Count == 0)
            return "";
        var widths = Enumerable.Range(0, Table.Max(r => r.Count)).Select(c => Table.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        return string.Join("\n", Table.Select(row => string.Join("  ",
            row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd()));
    }
    /// <summary>Longer text to send or act on: a late notice, a checklist, a digest section.</summary>
    public string? Artifact { get; init; }
    public EmailDraft? Email { get; init; }
    /// <summary>Whose client text this message drafts or sends, so that its delivery is recorded as contact with the client.</summary>
    public Chasing.ClientDraft? Draft { get; init; }
    /// <summary>For an email row: the chat channel told when it cannot be delivered (the client's channel).</summary>
    public string? FailuresTo { get; init; }
    public IReadOnlyList<ChatAction> Actions { get; init; } = [];
    public ChatPicture? Picture { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ChatMessage FromJson(string json) =>
        JsonSerializer.Deserialize<ChatMessage>(json, Json) ?? throw new InvalidOperationException("empty message");
}
