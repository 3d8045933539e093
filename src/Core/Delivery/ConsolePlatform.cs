using System.Text;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Delivery;

/// <summary>Chat on standard output, readable, for when no chat platform is configured (and for trying ChaseBot out).</summary>
public sealed class ConsolePlatform(TextWriter output, ILogger<ConsolePlatform>? log = null) : IChatPlatform
{
    public string Name => "console";

    private readonly Lock _writing = new();

    public Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        lock (_writing)
        {
            output.Write(Render(message, content));
            output.Flush();
        }
        log?.LogInformation("Posted {Kind} {Key} to {Target}", message.Kind, message.Key, message.Target);
        return Task.FromResult(new Delivered($"console-{message.Id}"));
    }

    public static string Render(OutboxMessage message, ChatMessage content)
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
