using System.Text;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Delivery;

/// <summary>Chat on standard output, readable, for when no chat platform is configured (and for trying ChaseBot out).</summary>
/// <param name="charts">Where a message's picture is read from and written to a file beside the ledger; without it, only its words are shown.</param>
public sealed class ConsolePlatform(TextWriter output, ILogger<ConsolePlatform>? log = null, Digests.DigestCharts? charts = null) : IChatPlatform
{
    public string Name => "console";

    private readonly Lock _writing = new();

    public async Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        var chart = content.Picture is { } picture && charts is not null
            ? await charts.WriteBesideLedgerAsync(picture, cancellationToken) ?? "no longer in the ledger"
            : null;
        var rendered = Render(message, content, chart);
        lock (_writing)
        {
            output.Write(rendered);
            output.Flush();
        }
        log?.LogInformation("Posted {Kind} {Key} to {Target}", message.Kind, message.Key, message.Target);
        return new Delivered($"console-{message.Id}");
    }

    /// <param name="chart">Where the message's picture was written; without it, that it will be written when the message posts.</param>
    public static string Render(OutboxMessage message, ChatMessage content, string? chart = null)
    {
        var text = new StringBuilder();
        var where = message.Audience == Audience.Direct ? $"private message to @{message.Target}" : message.Target;
        text.AppendLine($"┌─ {where} · {message.Kind}");
        text.AppendLine($"│ {content.Title}");
        if (content.Mentions.Count > 0)
            text.AppendLine($"│ cc {string.Join(" ", content.Mentions.Select(m => "@" + m))}");
        foreach (var row in content.TableText().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            text.AppendLine($"│   {row}");
        foreach (var line in content.Lines)
            text.AppendLine($"│ {line}");
        if (content.Email is { } email)
        {
            text.AppendLine("│ ┄┄ email draft ┄┄");
            text.AppendLine($"│ To: {email.To}");
            if (email.Cc is not null)
                text.AppendLine($"│ Cc: {email.Cc}");
            text.AppendLine($"│ Subject: {email.Subject}");
            foreach (var line in email.Body.Split('\n'))
                text.AppendLine($"│   {line}");
        }
        if (content.Artifact is { } artifact)
        {
            text.AppendLine("│ ┄┄┄┄┄┄┄┄");
            foreach (var line in artifact.Split('\n'))
                text.AppendLine($"│   {line}");
        }
        if (content.Picture is { } picture)
            text.AppendLine($"│ Chart: {chart ?? $"{picture.FileName}, written beside the ledger when this posts"}");
        if (content.Actions.Count > 0)
            text.AppendLine("│ " + string.Join("  ", content.Actions.Select(a => $"[{a.Label}]")) +
                            (Chasing.ProposalActions.IsProposalAction(content.Actions[0].Id)
                                ? $"   (or: decide {content.Actions[0].Value} approve|{(content.Actions.Any(a => a.Id == Chasing.ProposalActions.RemindFirst) ? "remind-first|" : "")}snooze|reject --user <approver>)"
                                : content.Actions[0].Id == Chasing.ClientContacts.MarkSentAction
                                    ? "   (or: chat \"sent <client>\" --user <collector>)"
                                    : ""));
        text.AppendLine("└─");
        return text.ToString();
    }
}
