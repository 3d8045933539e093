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
        var lines = new List<string>();
        if (f.Currencies.Count == 0)
            lines.Add("Nothing is owed.");
        foreach (var c in f.Currencies)
        {
            lines.Add($"{c.Currency}: {Money.Format(c.Receivables)} owed, {Money.Format(c.Overdue)} overdue" +
                      (c.OverdueShare is { } share ? $" ({Percent(share * 100, 0)})" : ""));
            lines.Add($"  DSO {(c.Dso is { } dso ? Number(dso) + " days" : "not known (no sales in the last 24 months cover what is owed)")}" +
                      (c.Cei is { } cei ? $" · CEI {Percent(cei, 1)} over {CollectionFigures.CeiDays} days" : $" · CEI not known yet (it needs {CollectionFigures.CeiDays} days of recorded payments)"));
            var b = c.Buckets;
            lines.Add($"  Not yet due {Money.Format(b.Current)} · 1-30 days {Money.Format(b.Days1To30)} · 31-60 {Money.Format(b.Days31To60)} · " +
                      $"61-90 {Money.Format(b.Days61To90)} · over 90 {Money.Format(b.Over90)}");
        }
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

    /// <summary>"usually pays 12 days late; 3 of 4 paid on time", or "pays on time (4 paid invoices)".</summary>
    public static string Record(ClientRecord c)
    {
        var onTime = (int)Math.Round(c.OnTimeRate * c.PaidInvoices, MidpointRounding.AwayFromZero);
        return c.AverageDaysLate == 0
            ? $"{c.Client}: pays on time ({Counted.Of(c.PaidInvoices, "paid invoice")})"
            : $"{c.Client}: {Number(c.AverageDaysLate)} days late on average, {onTime} of {Counted.Of(c.PaidInvoices, "paid invoice")} on time";
    }

    private static string Number(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Percent(decimal value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString(decimals == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + "%";
}
