using ChaseBot.Core.Delivery;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Commands;

public sealed partial class ChaseCommands
{
    private const int StatusLines = 15;

    private async Task<CommandReply> StatusAsync(List<string> args, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var isPublic = args.Count > 0 && args[^1].Equals("public", StringComparison.OrdinalIgnoreCase);
        if (isPublic)
            args.RemoveAt(args.Count - 1);
        var filter = args.Count > 0 ? string.Join(' ', args) : null;
        var reply = await _statusAnswers.AnswerAsync((filter ?? "", Today), (version, token) => ComputeStatusAsync(filter, version, token), cancellationToken);
        // How fresh the connected books are is said now, not cached with the answer ("3 minutes ago" would go stale).
        if (sources is not null && await sources.FreshnessAsync(cancellationToken) is { } fresh)
            reply = reply with { Message = reply.Message with { Lines = [.. reply.Message.Lines, fresh] } };
        Telemetry.ChaseMetrics.RecordStatus("command", System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return reply.Public == isPublic ? reply : reply with { Public = isPublic };
    }

    private async Task<CommandReply> ComputeStatusAsync(string? filter, long? version, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        IReadOnlyList<CurrencyTotals> totals;
        IReadOnlyList<StatusReportLine> shown;
        DateTimeOffset? olderAt = null;
        int count;
        DateOnly asOf;
        if (filter is null)
        {
            var summary = await LedgerStatus.SummaryAsync(db, Today, StatusLines, cancellationToken);
            (totals, shown, count, asOf) = (summary.Totals, summary.MostOverdue, summary.Outstanding, summary.AsOf);
        }
        else
        {
            var query = new LedgerStatus.Query(Today, filter);
            // A Bot busy with many different clients' statuses answers them from memory (ClientStatusIndex); an index
            // older than the question says so, and a client it does not know yet is looked for in the database.
            LedgerStatusReport? report;
            if (version is { } at && _statusIndex.For(at, out var stale) is { } index && LedgerStatus.TryAnswer(index, query, out report) &&
                (report is not null || !stale))
                olderAt = stale ? index.ReadAt : null;
            else
                report = await LedgerStatus.RunAsync(db, query, cancellationToken);
            if (report is null)
            {
                var suggestions = await LedgerStatus.SuggestionsAsync(db, filter, cancellationToken);
                return (CommandReply.Refuse($"No client or invoice matches \"{Shorten(filter)}\".",
                    suggestions.Count > 0 ? $"Did you mean: {string.Join(", ", suggestions)}?" : "Try: status (everything outstanding)"));
            }
            (totals, shown, count, asOf) = (report.Totals, report.Invoices.OrderByDescending(i => i.DaysOverdue).Take(StatusLines).ToList(),
                report.Invoices.Count, report.AsOf);
        }
        var lines = new List<string>();
        foreach (var t in totals)
            lines.Add($"{t.Currency} {Money.Format(t.Due)} owed on {Text.Counted.Of(t.Invoices, "invoice")}: current {Money.Format(t.Current)} · " +
                      $"1-30 {Money.Format(t.Days1To30)} · 31-60 {Money.Format(t.Days31To60)} · 61-90 {Money.Format(t.Days61To90)} · 90+ {Money.Format(t.Over90)}");
        foreach (var i in shown)
            lines.Add($"{i.Number} · {i.Client} · {i.Currency} {Money.Format(i.Due)} due {i.DueDate:d MMM}" +
                      (i.DaysOverdue > 0 ? $" · {Text.Counted.Of(i.DaysOverdue, "day")} late" : "") + $" · {i.Status}" +
                      (i.Hold is { } hold ? $" · {hold}" : "") +
                      (i.Missing ? " · missing from the last export" : ""));
        if (count > StatusLines)
            lines.Add($"… and {count - StatusLines} more (the most overdue are shown).");
        if (filter is null && await db.Outbox.CountAsync(m => m.DeadLetteredAt != null, cancellationToken) is var dead and > 0)
        {
            var last = await db.Outbox.Where(m => m.DeadLetteredAt != null).OrderByDescending(m => m.DeadLetteredAt)
                .Select(m => m.LastError).FirstAsync(cancellationToken);
            lines.Add($"⚠ {Text.Counted.Of(dead, "message")} could not be delivered; the latest: {last}. They are kept; see the outbox.");
        }
        var title = count == 0
            ? $"Nothing outstanding{(filter is null ? "" : $" for {filter}")}."
            : $"Owed as of {asOf:d MMM yyyy}{(filter is null ? "" : $" · {filter}")}";
        var reply = new CommandReply(new ChatMessage { Title = title, Lines = lines });
        if (olderAt is not { } readAt)
            return reply;
        reply = SaidAsOf(reply, readAt, chase);
        OlderThanAsked.AddOrUpdate(reply, chase); // the value is not read: being in the table is the mark
        return reply;
    }

    private async Task<CommandReply> PaidAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count is < 1 or > 4)
            return UsageOf("paid");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (invoice, problem) = await FindInvoiceAsync(db, args[0], cancellationToken);
        if (invoice is null)
            return problem!;
        if (!invoice.Status.IsOutstanding())
            return CommandReply.Refuse($"{invoice.Number} is {invoice.Status.ToWire()}: there is nothing to pay.");

        var index = 1;
        var amount = invoice.AmountDue;
        var dateFirst = index;
        if (index < args.Count && CommandText.Date(args, ref dateFirst, Today) is null)
        {
            // Not a date, so it must be the amount ("650", "650.00", "NZD 650", "$650").
            var amountText = args[index];
            if (index + 1 < args.Count && args[index].Length == 3 && args[index].All(char.IsAsciiLetter))
                amountText = $"{args[index]} {args[++index]}";
            if (!Money.TryParse(amountText, out amount, out var currency))
                return UsageOf("paid", $"\"{Shorten(amountText)}\" is not an amount.");
            if (currency is not null && currency != invoice.Currency)
                return CommandReply.Refuse($"{invoice.Number} is in {invoice.Currency}, not {currency}. Log the amount in {invoice.Currency}.");
            if (amount <= 0)
                return CommandReply.Refuse("A payment must be more than zero.");
            if (amount > invoice.AmountDue)
                return CommandReply.Refuse($"That is more than the {invoice.Currency} {Money.Format(invoice.AmountDue)} due on {invoice.Number}. " +
                                        "Log the exact amount (an overpayment belongs in your accounting tool).");
            if (decimal.Round(amount, 4) != amount)
                return CommandReply.Refuse("Amounts have at most four decimal places.");
            index++;
        }
        var paidOn = Today;
        if (index < args.Count)
        {
            if (CommandText.Date(args, ref index, Today) is not { } date)
                return UsageOf("paid", $"\"{Shorten(args[index])}\" is not a date (2026-11-30, today, tomorrow).");
            if (date > Today)
                return CommandReply.Refuse("A payment cannot be in the future. For a promise, use: promise <invoice> <date>");
            if (date < Today.AddYears(-2))
                return CommandReply.Refuse("That date is more than two years ago; check it.");
            paidOn = date;
        }
        if (index < args.Count)
            return UsageOf("paid");

        var now = clock.GetUtcNow().UtcDateTime;
        db.Payments.Add(new Payment
        {
            InvoiceId = invoice.Id, Amount = amount, Currency = invoice.Currency, PaidOn = paidOn, Origin = PaymentOrigin.Logged,
            RecordedBy = context.Actor, RecordedAt = now,
        });
        invoice.AmountPaid += amount;
        invoice.AmountDue -= amount;
        invoice.Status = invoice.AmountDue <= 0 ? InvoiceStatus.Paid : InvoiceStatus.PartiallyPaid;
        invoice.UpdatedAt = now;
        Audit(db, context, AuditActions.PaymentLogged, invoice.Number, $"{invoice.Currency} {Money.Format(amount)} paid on {paidOn:yyyy-MM-dd}");
        await db.SaveChangesAsync(cancellationToken);
        return await WithdrawingAsync(db, [invoice.Id], context, CommandReply.Say(
            $"Logged {invoice.Currency} {Money.Format(amount)} paid on {paidOn:d MMM} for {invoice.Number} ({invoice.Client.Name}).",
            invoice.Status == InvoiceStatus.Paid
                ? "It is paid in full: the chase stops."
                : $"{invoice.Currency} {Money.Format(invoice.AmountDue)} is still due; the chase continues for the balance."), cancellationToken);
    }
}
