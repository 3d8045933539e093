using System.Globalization;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Commands;

public sealed partial class ChaseCommands
{
    private async Task<CommandReply> DisputeAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count < 2)
            return UsageOf("dispute", args.Count == 1 ? "Say what the dispute is about." : null);
        var reason = string.Join(' ', args.Skip(1));
        if (reason.Length > 1000)
            return CommandReply.Refuse("Keep the reason under 1,000 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (invoice, problem) = await FindInvoiceAsync(db, args[0], cancellationToken);
        if (invoice is null)
            return problem!;
        if (await db.Disputes.AnyAsync(d => d.InvoiceId == invoice.Id && d.ResolvedAt == null, cancellationToken))
            return CommandReply.Say($"{invoice.Number} is already disputed. Close it with: resolve {invoice.Number}");
        db.Disputes.Add(new Dispute { InvoiceId = invoice.Id, Reason = reason, OpenedBy = context.Actor, OpenedAt = clock.GetUtcNow().UtcDateTime });
        Audit(db, context, AuditActions.DisputeOpened, invoice.Number, reason);
        await db.SaveChangesAsync(cancellationToken);
        await morale.AskAsync(includeWeekly: false, cancellationToken); // A dispute can feel personal: check in.
        return await WithdrawingAsync(db, [invoice.Id], context, CommandReply.Say(
            $"Dispute logged on {invoice.Number} ({invoice.Client.Name}). Chasing is paused until it is resolved.",
            $"When it is settled: resolve {invoice.Number} [note]"), cancellationToken);
    }

    private async Task<CommandReply> ResolveAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count < 1)
            return UsageOf("resolve");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (invoice, problem) = await FindInvoiceAsync(db, args[0], cancellationToken);
        if (invoice is null)
            return problem!;
        var open = await db.Disputes.Where(d => d.InvoiceId == invoice.Id && d.ResolvedAt == null).ToListAsync(cancellationToken);
        if (open.Count == 0)
            return CommandReply.Refuse($"{invoice.Number} has no open dispute.");
        var note = args.Count > 1 ? string.Join(' ', args.Skip(1)) : null;
        if (note is { Length: > 1000 })
            return CommandReply.Refuse("Keep the note under 1,000 characters.");
        foreach (var dispute in open)
            (dispute.ResolvedAt, dispute.ResolvedBy, dispute.ResolutionNote) = (clock.GetUtcNow().UtcDateTime, context.Actor, note);
        Audit(db, context, AuditActions.DisputeResolved, invoice.Number, note ?? "");
        await db.SaveChangesAsync(cancellationToken);
        var resumes = Today.AddDays(chase.ResumeAfterDisputeDays);
        return CommandReply.Say($"Dispute on {invoice.Number} resolved. Chasing resumes on {resumes:d MMM} (Chase:ResumeAfterDisputeDays), " +
                                "and the next message to the client thanks them for resolving it.");
    }

    /// <summary>`sent Kauri`: the client's newest draft that nobody has sent or marked is marked as sent by the asker.</summary>
    private async Task<CommandReply> SentAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
            return UsageOf("sent");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (client, problem) = await FindClientAsync(db, string.Join(' ', args), cancellationToken);
        if (client is null)
            return problem!;
        var unsent = await Chasing.ClientContacts.UnsentAsync(db, client.Id, cancellationToken);
        if (unsent.Count == 0)
            return CommandReply.Refuse($"Nothing from ChaseBot is waiting to be sent to {client.Name}: every draft was emailed or marked as sent.");
        var (_, said) = await Chasing.ClientContacts.MarkSentAsync(db, chase, unsent[0].Key, context.Actor, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return unsent.Count == 1 ? CommandReply.Say(said)
            : CommandReply.Say(said, $"{Text.Counted.Of(unsent.Count - 1, "older draft")} to {client.Name} {(unsent.Count == 2 ? "is" : "are")} not marked; " +
                                     "press Mark as sent on each one you sent.");
    }

    /// <summary>The "Mark as sent" button on a draft (Slack, Teams): a collector says they sent it themselves.</summary>
    public async Task<CommandReply> MarkDraftSentAsync(string draftKey, CommandContext context, CancellationToken cancellationToken = default)
    {
        if (!roles.Has(context.UserId, Role.Collector))
            return CommandReply.Refuse(ChatRoles.Refusal(context.UserId, Role.Collector));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (recorded, said) = await Chasing.ClientContacts.MarkSentAsync(db, chase, draftKey, context.Actor, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return recorded ? CommandReply.Say(said) : CommandReply.Refuse(said);
    }

    /// <summary>`reopen S-1`: a person confirms that an invoice paid before is owed again; until then nothing chases it.</summary>
    private async Task<CommandReply> ReopenAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count != 1)
            return UsageOf("reopen");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (invoice, problem) = await FindInvoiceAsync(db, args[0], cancellationToken);
        if (invoice is null)
            return problem!;
        if (invoice.ReopenedAt is null)
            return CommandReply.Refuse($"{invoice.Number} is not waiting to be reopened: only an invoice an export turned from paid to unpaid is.");
        if (!invoice.Status.IsOutstanding())
        {
            invoice.ReopenedAt = null; // paid again since: nothing to confirm
            await db.SaveChangesAsync(cancellationToken);
            return CommandReply.Say($"{invoice.Number} ({invoice.Client.Name}) is {invoice.Status.ToWire()} again, so there is nothing to chase.");
        }
        invoice.ReopenedAt = null;
        Audit(db, context, AuditActions.InvoiceReopenConfirmed, invoice.Number, $"{invoice.Currency} {Exports.Parsing.Money.Format(invoice.AmountDue)} owed again");
        await db.SaveChangesAsync(cancellationToken);
        return CommandReply.Say($"Reopened: {invoice.Number} ({invoice.Client.Name}) is owed again, {invoice.Currency} {Exports.Parsing.Money.Format(invoice.AmountDue)}. " +
                                "Chasing resumes with the next run.");
    }

    private async Task<CommandReply> PromiseAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count is < 2 or > 4)
            return UsageOf("promise");
        var index = 1;
        if (CommandText.Date(args, ref index, Today) is not { } date)
            return UsageOf("promise", $"\"{Shorten(args[1])}\" is not a date (2026-12-01, tomorrow, in 7 days).");
        if (date < Today || date > Today.AddYears(1))
            return CommandReply.Refuse("A promise needs a date from today to a year ahead.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (invoice, problem) = await FindInvoiceAsync(db, args[0], cancellationToken);
        if (invoice is null)
            return problem!;
        decimal? amount = null;
        if (index < args.Count)
        {
            if (!Exports.Parsing.Money.TryParse(string.Join(' ', args.Skip(index)), out var value, out var currency) || value <= 0 ||
                (currency is not null && currency != invoice.Currency) || value > invoice.AmountDue)
                return UsageOf("promise", $"The amount must be more than zero, in {invoice.Currency}, and at most what is due.");
            amount = value;
        }
        db.PaymentPromises.Add(new PaymentPromise { InvoiceId = invoice.Id, PromisedFor = date, Amount = amount, RecordedBy = context.Actor,
            RecordedAt = clock.GetUtcNow().UtcDateTime });
        Audit(db, context, AuditActions.PromiseRecorded, invoice.Number, $"by {date:yyyy-MM-dd}" + (amount is null ? "" : $", {amount}"));
        await db.SaveChangesAsync(cancellationToken);
        return await WithdrawingAsync(db, [invoice.Id], context, CommandReply.Say(
            $"Promise recorded: {invoice.Client.Name} will pay " +
            (amount is { } promisedAmount ? $"{invoice.Currency} {Exports.Parsing.Money.Format(promisedAmount)} of " : "") +
            $"{invoice.Number} by {date:d MMM}.",
            "Chasing waits until then; if the date passes unpaid, it resumes at the next step and says the promise was broken."), cancellationToken);
    }

    private async Task<CommandReply> SnoozeAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count < 2)
            return UsageOf("snooze");
        // The last words are the length; everything before them names the invoice or client.
        var (until, nameWords) = SnoozeLength(args);
        if (until is null || until <= Today || until > Today.AddYears(1))
            return UsageOf("snooze", "Say how long: a number of days (1–365) or a date within a year.");
        var target = string.Join(' ', args.Take(nameWords));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await IsInvoiceNumberAsync(db, target, cancellationToken))
        {
            var (invoice, problem) = await FindInvoiceAsync(db, target, cancellationToken);
            if (invoice is null)
                return problem!;
            invoice.SnoozedUntil = until;
            Audit(db, context, AuditActions.InvoiceSnoozed, invoice.Number, $"until {until:yyyy-MM-dd}");
            await db.SaveChangesAsync(cancellationToken);
            return await WithdrawingAsync(db, [invoice.Id], context,
                CommandReply.Say($"{invoice.Number} is snoozed until {until:d MMM}. Chasing resumes then (or now with: resume {invoice.Number})."),
                cancellationToken);
        }
        var (client, clientProblem) = await FindClientAsync(db, target, cancellationToken);
        if (client is null)
            return clientProblem!;
        (client.IsPaused, client.PausedUntil) = (true, until);
        Audit(db, context, AuditActions.ClientPaused, client.Name, $"until {until:yyyy-MM-dd}");
        await db.SaveChangesAsync(cancellationToken);
        return await WithdrawingAsync(db, await ClientInvoiceIdsAsync(db, client.Id, cancellationToken), context,
            CommandReply.Say($"All of {Text.Names.Possessive(client.Name)} invoices are snoozed until {until:d MMM}."), cancellationToken);
    }

    private static Task<List<long>> ClientInvoiceIdsAsync(Storage.ChaseDbContext db, long clientId, CancellationToken cancellationToken) =>
        db.Invoices.Where(i => i.ClientId == clientId).Select(i => i.Id).ToListAsync(cancellationToken);

    /// <summary>"… 7", "… 7 days", "… in 2 weeks", "… 2026-12-01", "… tomorrow": the date, and how many words name the target.</summary>
    private (DateOnly? Until, int NameWords) SnoozeLength(List<string> args)
    {
        static bool Days(string word, out int days) =>
            int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out days) && days is > 0 and <= 365;
        var n = args.Count;
        if (Days(args[n - 1], out var bare))
            return (Today.AddDays(bare), n - 1);
        if (n >= 3 && args[n - 1].ToLowerInvariant() is "day" or "days" && Days(args[n - 2], out var counted))
            return (Today.AddDays(counted), n >= 4 && args[n - 3].ToLowerInvariant() is "in" or "for" ? n - 3 : n - 2); // "… in 7 days"
        foreach (var start in new[] { n - 3, n - 1 }.Where(i => i >= 1))
        {
            var index = start;
            if (CommandText.Date(args, ref index, Today) is { } date && index == n)
                return (date, start);
        }
        return (null, n);
    }

    private async Task<CommandReply> ResumeAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count < 1)
            return UsageOf("resume");
        var target = string.Join(' ', args);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await IsInvoiceNumberAsync(db, target, cancellationToken))
        {
            var (invoice, problem) = await FindInvoiceAsync(db, target, cancellationToken);
            if (invoice is null)
                return problem!;
            invoice.SnoozedUntil = null;
            Audit(db, context, AuditActions.InvoiceResumed, invoice.Number, "");
            await db.SaveChangesAsync(cancellationToken);
            return CommandReply.Say($"Chasing of {invoice.Number} resumes with the next run.");
        }
        var (client, clientProblem) = await FindClientAsync(db, target, cancellationToken);
        if (client is null)
            return clientProblem!;
        (client.IsPaused, client.PausedUntil) = (false, null);
        Audit(db, context, AuditActions.ClientResumed, client.Name, "");
        await db.SaveChangesAsync(cancellationToken);
        return CommandReply.Say($"Chasing of {client.Name} resumes with the next run.");
    }

    private static async Task<bool> IsInvoiceNumberAsync(Storage.ChaseDbContext db, string text, CancellationToken cancellationToken)
    {
        var number = text.IndexOf(':') is var colon and > 0 ? text[(colon + 1)..] : text;
        var upper = number.ToUpperInvariant();
        // A client is found as status finds one (a unique part of the name will do): "snooze Quill 7" snoozes Quill Stationers.
        return await db.Invoices.AnyAsync(i => i.Number.ToUpper() == upper, cancellationToken) ||
               await Reports.LedgerStatus.FindClientAsync(db, text, cancellationToken) is null && !text.Contains(' ');
    }
}
