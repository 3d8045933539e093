using ChaseBot.Core.Chasing;
using ChaseBot.Core.LatePayment;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Commands;

/// <summary>Late-payment charges in chat: what has accrued, and an approver's claim or waiver of them.</summary>
public sealed partial class ChaseCommands
{
    private async Task<CommandReply> InterestAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (lateCharges is null)
            return CommandReply.Refuse("Late-payment charges are not available here.");
        var action = args.Count > 1 && args[^1].ToLowerInvariant() is "claim" or "waive" ? args[^1].ToLowerInvariant() : null;
        var name = string.Join(' ', action is null ? args : args.SkipLast(1));
        if (name.Length == 0)
            return UsageOf("interest");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (client, problem) = await FindClientAsync(db, name, cancellationToken);
        if (client is null)
            return problem!;
        var results = await lateCharges.ForClientAsync(db, client, Today, null, cancellationToken);
        var basis = LateCharges.BasisFor(client);
        var lines = new List<string> { $"Basis: {basis.Words}." };
        foreach (var byCurrency in results.GroupBy(r => r.Currency))
        {
            var charges = new ChargesToDate(byCurrency.Key, basis, [.. byCurrency]);
            lines.AddRange(LateChargesText.CardLines(charges, Today, null));
        }
        if (action is null)
            return CommandReply.Say(results.Count == 0 ? $"{client.Name} owes nothing past its due date." : $"Late-payment charges for {client.Name} to {CaseHistory.Long(Today)}",
                [.. lines]);

        // Only after the final notice offered them, and only on a case still open.
        var cases = await db.Cases.Where(c => c.ClientId == client.Id && c.ClosedOn == null).ToListAsync(cancellationToken);
        var open = cases.Select(c => c.Id).ToList();
        var noticed = await db.Proposals.Where(p => p.CaseId != null && open.Contains(p.CaseId.Value) && p.Step == ChaseLadder.FinalNotice &&
                                                    p.Status == ProposalStatus.Approved)
            .Select(p => p.CaseId!.Value).ToListAsync(cancellationToken);
        if (noticed.Count == 0)
            return CommandReply.Refuse($"No final notice has gone to {client.Name} in an open case: charges are claimed only after one offered them.");
        foreach (var c in cases.Where(c => noticed.Contains(c.Id)))
            c.ChargesClaimedOn = action == "claim" ? Today : null;
        Audit(db, context, action == "claim" ? AuditActions.ChargesClaimed : AuditActions.ChargesWaived, client.Name, string.Join(", ", cases.Select(c => c.Currency)));
        await db.SaveChangesAsync(cancellationToken);
        return action == "claim"
            ? CommandReply.Say($"Claimed: the late-payment charges on {client.Name}'s overdue invoices.",
                "If they pay late, the thank-you lists the charges to the day of payment as still due, separately from the receipt.")
            : CommandReply.Say($"Waived: no late-payment charges will be asked of {client.Name}.");
    }
}
