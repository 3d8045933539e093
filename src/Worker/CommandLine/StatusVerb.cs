using System.Globalization;
using System.Text;
using System.Text.Json;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

internal static class StatusVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        var asOf = WorkerCommandLine.AsOf(arguments, services);
        var filter = arguments.Words(arguments.Cli.StatusFilter);

        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        var report = await LedgerStatus.RunAsync(db, new LedgerStatus.Query(asOf, filter, arguments.All), cancellationToken);
        if (report is null)
        {
            var suggestions = await LedgerStatus.SuggestionsAsync(db, filter!, cancellationToken);
            await stderr.WriteLineAsync($"No client or invoice matches '{filter}'." +
                                        (suggestions.Count > 0 ? $" Did you mean: {string.Join(", ", suggestions)}?" : ""));
            return ExitCode.Refused;
        }
        var csv = arguments.Get(arguments.Cli.Csv);
        var machine = arguments.Json || csv;
        await stdout.WriteAsync(csv ? SpreadsheetCsv.Status(report)
            : arguments.Json ? Json(report) + Environment.NewLine : Human(report));
        if (!machine && await services.GetRequiredService<Core.Sources.ConnectedSources>().FreshnessAsync(cancellationToken) is { } fresh)
            await stdout.WriteLineAsync($"\n{fresh}");
        var dead = await db.Outbox.CountAsync(m => m.DeadLetteredAt != null, cancellationToken);
        if (dead > 0 && !machine)
            await stdout.WriteLineAsync($"\n{Core.Text.Counted.Of(dead, "chat message")} could not be delivered and are kept: see `outbox` for the reasons.");
        return ExitCode.Done;
    }

    public static string Json(LedgerStatusReport report) => JsonSerializer.Serialize(new
    {
        asOf = report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        filter = report.Filter,
        invoices = report.Invoices.Select(i => new
        {
            number = i.Number,
            source = i.Source,
            client = i.Client,
            currency = i.Currency,
            total = i.Total,
            paid = i.Paid,
            due = i.Due,
            dueDate = i.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            status = i.Status,
            daysOverdue = i.DaysOverdue,
            missing = i.Missing,
            hold = i.Hold,
        }),
        totals = report.Totals.Select(t => new
        {
            currency = t.Currency,
            invoices = t.Invoices,
            due = t.Due,
            aging = new Dictionary<string, decimal>
            {
                ["current"] = t.Current, ["1-30"] = t.Days1To30, ["31-60"] = t.Days31To60, ["61-90"] = t.Days61To90, ["90+"] = t.Over90,
            },
        }),
    }, SummaryText.JsonOptions);

    public static string Human(LedgerStatusReport report)
    {
        var text = new StringBuilder();
        var scope = report.Filter is null ? "" : $" for '{report.Filter}'";
        text.AppendLine($"Ledger as of {report.AsOf:yyyy-MM-dd}{scope}: {Core.Text.Counted.Of(report.Invoices.Count, "invoice")}");
        if (report.Invoices.Count == 0)
        {
            text.AppendLine("Nothing outstanding. (Import an export first: import <file>; --all shows paid and void invoices too.)");
            return text.ToString();
        }
        text.AppendLine();
        var invoices = new TextTable("Client", "Invoice", "Cur", ">Total", ">Paid", ">Due", "Due date", ">Days", "Status");
        foreach (var i in report.Invoices)
            invoices.Add(i.Client, i.Number, i.Currency, Money.Format(i.Total), Money.Format(i.Paid), Money.Format(i.Due),
                i.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                i.DaysOverdue.ToString(CultureInfo.InvariantCulture), (i.Hold is { } hold ? $"{i.Status} · {hold}" : i.Status) + (i.Missing ? " (missing from last export)" : ""));
        text.Append(invoices);
        if (report.Totals.Count == 0)
            return text.ToString();

        text.AppendLine();
        text.AppendLine("Owed per currency, by days overdue:");
        var totals = new TextTable("Cur", ">Invoices", ">Due", ">Current", ">1-30", ">31-60", ">61-90", ">90+");
        foreach (var t in report.Totals)
            totals.Add(t.Currency, t.Invoices.ToString(CultureInfo.InvariantCulture), Money.Format(t.Due), Money.Format(t.Current),
                Money.Format(t.Days1To30), Money.Format(t.Days31To60), Money.Format(t.Days61To90), Money.Format(t.Over90));
        text.Append(totals);
        return text.ToString();
    }
}
