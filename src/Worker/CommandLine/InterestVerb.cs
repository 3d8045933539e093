using System.Globalization;
using System.Text.Json;
using ChaseBot.Core.LatePayment;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// `interest &lt;client|invoice&gt; [--as-of] [--json]`: late-payment interest and compensation to date, line by line
/// (docs/late-payment.md): for a client, each invoice still owed and past due; for an invoice, that one whatever its state.
/// </summary>
internal static class InterestVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        var asOf = WorkerCommandLine.AsOf(arguments, services);
        var charges = services.GetRequiredService<LateCharges>();
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        if (arguments.Words(arguments.Cli.Client) is not { } asked)
            return WorkerCommandLine.UsageError(stderr, arguments, "interest needs a client (a unique part of the name is enough) or an invoice number");
        var invoice = await db.Invoices.AsNoTracking().Where(i => i.Number == asked).Select(i => new { i.Id, i.ClientId }).FirstOrDefaultAsync(cancellationToken);
        var clientId = invoice?.ClientId ?? await LedgerStatus.FindClientAsync(db, asked, cancellationToken);
        if (clientId is null)
        {
            var suggestions = await LedgerStatus.SuggestionsAsync(db, asked, cancellationToken);
            await stderr.WriteLineAsync($"No client or invoice matches '{asked}'." +
                                        (suggestions.Count > 0 ? $" Did you mean: {string.Join(", ", suggestions)}?" : ""));
            return ExitCode.Refused;
        }
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, cancellationToken);
        var results = await charges.ForClientAsync(db, client, asOf, invoice is null ? null : [invoice.Id], cancellationToken);
        if (arguments.Json)
        {
            await stdout.WriteLineAsync(Json(results));
            return ExitCode.Done;
        }
        await stdout.WriteLineAsync($"Late-payment interest for {client.Name} as of {asOf:ddd d MMM yyyy}");
        await stdout.WriteLineAsync($"Basis: {LateCharges.BasisFor(client).Words}.");
        if (results.Count == 0)
            await stdout.WriteLineAsync("Nothing is owed past its due date.");
        foreach (var line in results.SelectMany(Lines))
            await stdout.WriteLineAsync(line);
        return ExitCode.Done;
    }

    /// <summary>An invoice's computation as a person checks it: each period's days, rate and amount, then the totals.</summary>
    public static IEnumerable<string> Lines(InvoiceInterest i)
    {
        yield return "";
        yield return $"{i.Invoice}: {LateCharges.Amount(i.Currency, i.Principal)} overdue from the day after its due date, {Days(i.Days)}";
        foreach (var p in i.Periods)
            yield return $"  {p.From:d MMM yyyy} to {p.To:d MMM yyyy}: {Days(p.Days)} on {LateCharges.Amount(i.Currency, p.Principal)} at " +
                         (p.RatePercent is { } rate ? $"{LateCharges.Percent(rate)} a year = {LateCharges.Amount(i.Currency, p.Amount!.Value)}" : "a rate not known (its reference rate is not set)");
        if (i.Basis is not InterestBasis.NoInterest)
            yield return i.Interest is { } interest
                ? $"  Interest: {LateCharges.Amount(i.Currency, interest)}"
                : $"  Interest: not worked out (no reference rate for {string.Join(", ", i.MissingRates)}: set LatePayment:ReferenceRates)";
        if (i.Compensation is { } compensation)
            yield return $"  Compensation: {LateCharges.Amount(i.CompensationCurrency!, compensation)}" + (i.CompensationNote is { } note ? $" ({note})" : "");
        else if (i.CompensationNote is { } why)
            yield return $"  Compensation: not worked out ({why})";
    }

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";

    /// <summary>The shape docs/late-payment.md documents: one entry per invoice; amounts as numbers, null where not worked out.</summary>
    public static string Json(IReadOnlyList<InvoiceInterest> results) => JsonSerializer.Serialize(results.Select(i => new
    {
        invoice = i.Invoice, currency = i.Currency, principal = i.Principal, days = i.Days,
        periods = i.Periods.Select(p => new
        {
            from = p.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = p.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            days = p.Days, principal = p.Principal, ratePercent = p.RatePercent, amount = p.Amount,
        }),
        interest = i.Interest, compensation = i.Compensation, compensationCurrency = i.CompensationCurrency,
        basis = i.Basis.Words, missingRates = i.MissingRates,
    }), SummaryText.JsonOptions);
}
