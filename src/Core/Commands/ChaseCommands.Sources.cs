using ChaseBot.Core.Sources;
using ChaseBot.Core.Sources.Connections;

namespace ChaseBot.Core.Commands;

/// <summary>The connected books in chat: how fresh each is, a sync now, and connecting or disconnecting an organisation.</summary>
public sealed partial class ChaseCommands
{
    private const string NoBooks = "ChaseBot reads the exports in its folder. To connect Stripe, Xero or QuickBooks, see docs/books.md.";

    private async Task<CommandReply> SourcesAsync(CancellationToken cancellationToken)
    {
        if (sources is null || !sources.AnyConnected)
            return CommandReply.Say("No books are connected", NoBooks);
        var now = clock.GetUtcNow().UtcDateTime;
        return CommandReply.Say("Connected books", [.. (await sources.StatesAsync(cancellationToken)).Where(s => s.Connected).Select(s =>
            $"{s.Name}{(s.Organisation is null ? "" : $" ({s.Organisation})")}: " +
            (s.LastSync is { } at ? $"synced {ConnectedSources.Ago(now - at)}" : "not synced yet") +
            (s.Stale ? "; too old to send on until the next sync" : "") + (s.Budget is null ? "" : $"; {s.Budget}") +
            (s.Problem is null ? "" : $". Last problem: {s.Problem}"))]);
    }

    private async Task<CommandReply> SyncAsync(CommandContext who, CancellationToken cancellationToken)
    {
        if (sources is null || !sources.AnyConnected)
            return CommandReply.Refuse("No books are connected", NoBooks);
        var lines = new List<string>();
        foreach (var result in await sources.SyncAsync(who.Actor, null, cancellationToken))
        {
            var name = sources.Find(result.Source)!.DisplayName;
            lines.Add(result.Summary is { Failed: false } s
                ? $"{name}: {Text.Counted.Of(s.Rows, "invoice")} read: {s.Created} new, {s.Updated} updated" +
                  (s.FlaggedMissing > 0 ? $", {s.FlaggedMissing} flagged missing" : "") + (s.RejectedCount > 0 ? $", {s.RejectedCount} rejected" : "")
                : $"{name}: not synced — {result.Problem ?? result.Summary?.Message}");
        }
        return CommandReply.Say("Synced", [.. lines]);
    }

    /// <summary>A one-time link, to the asker only: whoever opens it connects the organisation they choose.</summary>
    private async Task<CommandReply> ConnectAsync(IReadOnlyList<string> args, CommandContext who, CancellationToken cancellationToken)
    {
        if (connections is null || args.Count != 1 || connections.Books(args[0].ToLowerInvariant()) is not { } books)
            return UsageOf("connect");
        try
        {
            var link = await connections.StartAsync(books.Source, who.Actor, cancellationToken: cancellationToken);
            return CommandReply.Say($"Connect {books.DisplayName}",
                $"Open {link.Link} within {OAuthConnections.LinkValidity.TotalMinutes:0} minutes and choose the organisation whose invoices ChaseBot should read. The link works once; keep it to yourself.",
                $"ChaseBot only reads your books; it asks {books.DisplayName} for {books.Scopes}. It syncs as soon as you have connected.");
        }
        catch (ConnectProblemException e)
        {
            return CommandReply.Refuse($"{books.DisplayName} cannot be connected yet", e.Message + ".");
        }
    }

    private async Task<CommandReply> DisconnectAsync(IReadOnlyList<string> args, CommandContext who, CancellationToken cancellationToken)
    {
        if (connections is null || args.Count != 1 || connections.Books(args[0].ToLowerInvariant()) is not { } books)
            return UsageOf("disconnect");
        if (!await connections.DisconnectAsync(books.Source, who.Actor, cancellationToken))
            return CommandReply.Refuse($"{books.DisplayName} is not connected", "Nothing to disconnect.");
        return CommandReply.Say($"{books.DisplayName} disconnected",
            $"ChaseBot no longer reads {books.DisplayName} and has asked it to revoke ChaseBot's access. Invoices it synced stay in the ledger, " +
            $"and are chased on what ChaseBot last read, as invoices from an export are. `connect {books.Source}` connects it again.");
    }
}
