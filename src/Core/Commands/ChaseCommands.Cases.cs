using ChaseBot.Core.Reports;

namespace ChaseBot.Core.Commands;

public sealed partial class ChaseCommands
{
    private const int CasesListed = 10;
    private const int TimelineShown = 8;

    /// <summary>`case <client>`: one client's collection; `case` alone: the clients furthest along, one line each.</summary>
    private async Task<CommandReply> CaseAsync(List<string> args, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (args.Count == 0)
        {
            var all = await CaseReport.RunAsync(db, chase, Today, null, cancellationToken);
            if (all.Count == 0)
                return CommandReply.Say("No collection cases: nothing is overdue.");
            var lines = all.Take(CasesListed).Select(c => $"{CaseText.Heading(c)} · {CaseText.Lines(c, chase.Ladder, timeline: 0)[0]}").ToList();
            if (all.Count > CasesListed)
                lines.Add($"and {Text.Counted.Of(all.Count - CasesListed, "more client")} — /chase case <client> shows one");
            return CommandReply.Say($"Collection cases as of {Today:d MMM yyyy}", [.. lines]);
        }
        var name = string.Join(' ', args);
        var clientId = await LedgerStatus.FindClientAsync(db, name, cancellationToken);
        if (clientId is null)
        {
            var suggestions = await LedgerStatus.SuggestionsAsync(db, name, cancellationToken);
            return CommandReply.Refuse($"No client matches \"{Shorten(name)}\".",
                suggestions.Count > 0 ? $"Did you mean: {string.Join(", ", suggestions)}?" : "Try: /chase case (every open case)");
        }
        var cases = await CaseReport.RunAsync(db, chase, Today, clientId, cancellationToken);
        // A case that ended (settled, written off) is part of the client's story: shown after any open one.
        var closed = await CaseReport.ClosedAsync(db, chase, clientId, cancellationToken);
        if (cases.Count == 0 && closed.Count == 0)
        {
            var client = await db.Clients.FindAsync([clientId.Value], cancellationToken);
            return CommandReply.Say($"{client!.Name}: nothing overdue, no collection case.");
        }
        var message = cases.SelectMany(c => new[] { $"*{CaseText.Heading(c)}*" }.Concat(CaseText.Lines(c, chase.Ladder, TimelineShown, Today))).ToList();
        if (cases.Count == 0)
            message.Insert(0, "Nothing overdue now; no open case.");
        message.AddRange(closed.Take(3).SelectMany(c => CaseText.Closed(c, TimelineShown)));
        return CommandReply.Say($"Collection case: {cases.FirstOrDefault()?.Client ?? closed[0].Client}", [.. message]);
    }

    /// <summary>`preview 12 [to me@example.com]`: the proposal's client email, sent to the person asking.</summary>
    private async Task<CommandReply> PreviewAsync(List<string> args, CancellationToken cancellationToken)
    {
        if (args.Count is not (1 or 3) || !long.TryParse(args[0].TrimStart('#'), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var proposalId) || args.Count == 3 && !args[1].Equals("to", StringComparison.OrdinalIgnoreCase))
            return UsageOf("preview");
        if (decisions is null)
            return CommandReply.Refuse("Previews are not available here.");
        var result = await decisions.PreviewAsync(proposalId, args.Count == 3 ? args[2] : null, cancellationToken);
        return result.Accepted ? CommandReply.Say(result.Message) : CommandReply.Refuse(result.Message);
    }
}
