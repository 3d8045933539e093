using System.Collections.Concurrent;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Conversations;
using ChaseBot.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Tests.PaperChat;

/// <summary>
/// A third chat platform that exists only for the tests, to show what adding one takes: this folder and the one line
/// in <see cref="PaperChatRegistration.AddPaperChat"/>. Its rooms and people are "paper:" targets; what it posts is
/// kept as plain text on sheets, and what people type or press goes through the same <see cref="ChatDispatcher"/>
/// as Slack's and Teams'.
/// </summary>
public sealed class PaperChat(IServiceProvider services) : IChatPlatform
{
    public const string Prefix = "paper:";

    /// <summary>What is on the wall now: each posted sheet by id, as it reads after any click rewrote it.</summary>
    public ConcurrentDictionary<string, Sheet> Sheets { get; } = new();
    private int _next;

    public string Name => "paper";
    public string TargetPrefix => Prefix;

    // Outbound: the outbox hands over a neutral message; paper shows it as text and keeps its buttons beside it.
    public Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        var id = message.Replaces ?? $"sheet-{Interlocked.Increment(ref _next)}";
        Sheets[id] = new Sheet(message.Target[Prefix.Length..], Render(content), content.Actions);
        return Task.FromResult(new Delivered(id));
    }

    // Inbound: who typed what where, translated and handed to the one dispatcher; the reply rendered as paper shows it.
    public async Task<string> SayAsync(string person, string room, string text, string? name = null)
    {
        var reply = await Dispatcher.CommandAsync(new ChatCommand(Name, Prefix + person, text, Prefix + room, name));
        return Render(reply.Message);
    }

    /// <summary>A person presses a button on a sheet; the sheet is rewritten as the dispatcher says, or the refusal returned.</summary>
    public async Task<string> PressAsync(string person, string sheetId, string actionId, string? name = null)
    {
        var sheet = Sheets[sheetId];
        var button = sheet.Buttons.Single(b => b.Id == actionId);
        var answer = await Dispatcher.ClickAsync(new ChatClick(Name, Prefix + person, button.Id, button.Value, Prefix + sheet.Room, name));
        var said = answer.Note.Render(_ => name ?? person);
        if (answer.Effect == ClickEffect.Settled)
        {
            var kept = sheet.Text.Split('\n').Where(l => answer.DropLine is null || !l.StartsWith(answer.DropLine, StringComparison.Ordinal));
            Sheets[sheetId] = sheet with { Text = string.Join('\n', kept.Append(said)), Buttons = [] };
        }
        return said;
    }

    private ChatDispatcher Dispatcher => services.GetRequiredService<ChatDispatcher>();

    private static string Render(ChatMessage message) => string.Join('\n', new[] { message.Title }
        .Concat(message.Mentions.Select(m => "@" + m)).Concat(message.Lines)
        .Concat(message.Artifact is null ? [] : [message.Artifact]));

    public sealed record Sheet(string Room, string Text, IReadOnlyList<ChatAction> Buttons);
}

public static class PaperChatRegistration
{
    /// <summary>The one line that adds paper to a host: its platform, found by the outbox's router through its prefix.</summary>
    public static IServiceCollection AddPaperChat(this IServiceCollection services) => services.AddSingleton<PaperChat>()
        .AddChatPlatform(new ChatPlatformEntry(PaperChat.Prefix, "a paper room", "none (tests only)", sp => sp.GetRequiredService<PaperChat>()));
}
