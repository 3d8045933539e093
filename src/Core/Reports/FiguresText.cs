using System.Globalization;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Text;

namespace ChaseBot.Core.Reports;

/// <summary>
/// The figures in words, laid out for a phone: short lines, one currency at a time, no table. Figures that cannot be
/// worked out (no sales to count back over, nothing owed or collected) are said as such, never shown as 0.
/// </summary>
public static class FiguresText
{
    public static IReadOnlyList<string> Lines(CollectionFigures f)
    {
        var lines = CurrencyLines(f).ToList();
        lines.Add($"Promises: {f.PromisesKept} kept, {f.PromisesBroken} broken");
        if (f.Clients.Count == 0)
            lines.Add("How clients pay: not enough payment history yet.");
        else
        {
            lines.Add($"How clients pay (their last {CollectionFigures.PaidInvoicesCounted} paid invoices at most):");
            lines.AddRange(f.Clients.Select(c => "  " + Record(c)));
        }
        return lines;
    }

    /// <summary>A few short lines per currency: owed and overdue, DSO and CEI, and the amounts by age.</summary>
    public static IReadOnlyList<string> CurrencyLines(CollectionFigures f)
    {
        var lines = new List<string>();
        if (f.Currencies.Count == 0)
            lines.Add("Nothing is owed.");
        foreach (var c in f.Currencies)
        {
            lines.Add($"{c.Currency}: {Money.Format(c.Receivables)} owed, {Money.Format(c.Overdue)} overdue" +
                      (c.OverdueShare is { } share ? $" ({Percent(share * 100, 0)})" : ""));
            lines.Add("  " + Measures(c));
            var b = c.Buckets;
            lines.Add($"  Not yet due {Money.Format(b.Current)} · 1-30 days {Money.Format(b.Days1To30)} · 31-60 {Money.Format(b.Days31To60)} · " +
                      $"61-90 {Money.Format(b.Days61To90)} · over 90 {Money.Format(b.Over90)}");
        }
        return lines;
    }

    /// <summary>"DSO 58 days · CEI 72.4% over 30 days", each said as not known where it cannot be worked out.</summary>
    public static string Measures(CurrencyFigures c) =>
        $"DSO {(c.Dso is { } dso ? Days(dso) : "not known (no sales in the last 24 months cover what is owed)")}" +
        (c.Cei is { } cei ? $" · CEI {Percent(cei, 1)} over {CollectionFigures.CeiDays} days" : $" · CEI not known yet (it needs {CollectionFigures.CeiDays} days of recorded payments)");

    /// <summary>"Kauri Digital Ltd: 12 days late on average, 3 of 4 paid invoices on time", or "…: pays on time (4 paid invoices)".</summary>
    public static string Record(ClientRecord c)
    {
        var onTime = (int)Math.Round(c.OnTimeRate * c.PaidInvoices, MidpointRounding.AwayFromZero);
        return c.AverageDaysLate == 0
            ? $"{c.Client}: pays on time ({Counted.Of(c.PaidInvoices, "paid invoice")})"
            : $"{c.Client}: {Days(c.AverageDaysLate)} late on average, {onTime} of {Counted.Of(c.PaidInvoices, "paid invoice")} on time";
    }

    /// <summary>"Kauri Digital Ltd's record: usually pays 12 days late (last 4 paid invoices); 3 of 4 promises kept."</summary>
    public static string ClientSentence(string client, ClientRecord? paying, int promisesKept, int promisesSettled)
    {
        if (paying is null && promisesSettled == 0)
            return $"{Names.Possessive(client)} record: no payment or promise of theirs is recorded yet.";
        var pays = paying is null ? "no paid invoice recorded"
            : (paying.AverageDaysLate == 0 ? "pays on time" : $"usually pays {Days(paying.AverageDaysLate)} late") +
              (paying.PaidInvoices == 1 ? " (one paid invoice)" : $" (last {paying.PaidInvoices} paid invoices)");
        var promised = promisesSettled == 0 ? "no promises recorded" : $"{promisesKept} of {Counted.Of(promisesSettled, "promise")} kept";
        return $"{Names.Possessive(client)} record: {pays}; {promised}.";
    }

    /// <summary>Days in words are whole ("12 days"); the fractions are in `report --json`.</summary>
    private static string Days(decimal days) => Counted.Of((int)Math.Round(days, MidpointRounding.AwayFromZero), "day");

    private static string Percent(decimal value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString(decimals == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + "%";
}
