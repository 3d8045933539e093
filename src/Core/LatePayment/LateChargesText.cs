using ChaseBot.Core.Chasing;
using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.LatePayment;

/// <summary>
/// The charges in words: the client's paragraph in a final notice or hand-off letter ("you may be charged", offered, not
/// imposed), and the approver's lines on the card, with the computation. Only what was worked out is said: a missing
/// reference rate leaves the interest out, never a guess.
/// </summary>
public static class LateChargesText
{
    /// <summary>
    /// "Under the Late Payment of Commercial Debts (Interest) Act 1998, you may be charged GBP 112.78 in interest to 1 August
    /// 2025 and GBP 70.00 in compensation (GBP 182.78 in all); interest continues until payment. We will waive this if …"
    /// Empty when nothing is offered.
    /// </summary>
    /// <param name="waiver">How the charges are waived ("if the total overdue is paid by 18 December 2026"); null: not waived.</param>
    public static string Paragraph(ChargesToDate? charges, DateOnly asOf, string? waiver)
    {
        if (charges is null || charges.Nothing || Parts(charges, asOf) is not { Count: > 0 } parts)
            return "";
        var under = charges.Basis switch
        {
            InterestBasis.Law law => $"Under {law.Statute.Name}",
            InterestBasis.Contract contract => $"Under our agreement ({contract.Terms})",
            _ => "",
        };
        var sums = parts.GroupBy(p => p.Currency).ToList();
        var total = parts.Count > 1 && sums.Count == 1 ? $" ({sums[0].Key} {Money.Format(sums[0].Sum(p => p.Amount))} in all)" : "";
        var continues = charges.Interest is > 0 ? "; interest continues to run until payment" : "";
        return $"{under}, you may be charged {string.Join(" and ", parts.Select(p => p.Words))}{total}{continues}." +
               (waiver is null ? "" : $" We will waive {(parts.Count == 1 ? "it" : "these charges")} {waiver}.");
    }

    /// <summary>
    /// For a thank-you after a late payment whose charges an approver claimed: "Separately from this receipt, the
    /// late-payment charges under … remain due: GBP 84.33 in interest to 21 December 2026 and GBP 70.00 in compensation."
    /// Empty when nothing accrued.
    /// </summary>
    public static string StillClaimed(ChargesToDate charges, DateOnly paidOn)
    {
        if (charges.Nothing || Parts(charges, paidOn) is not { Count: > 0 } parts)
            return "";
        var under = charges.Basis switch
        {
            InterestBasis.Law law => $"under {law.Statute.Name}",
            InterestBasis.Contract => "under our agreement",
            _ => "",
        };
        return $"Separately from this receipt, the late-payment charges {under} that we claimed remain due: {string.Join(" and ", parts.Select(p => p.Words))}.";
    }

    private sealed record Part(string Currency, decimal Amount, string Words);

    private static List<Part> Parts(ChargesToDate charges, DateOnly asOf)
    {
        var parts = new List<Part>();
        if (charges.Interest is { } interest and > 0)
            parts.Add(new(charges.Currency, interest, $"{charges.Currency} {Money.Format(interest)} in interest to {CaseHistory.Long(asOf)}"));
        foreach (var fixedSum in charges.Invoices.Where(i => i.Compensation is > 0).GroupBy(i => i.CompensationCurrency!))
        {
            var amount = fixedSum.Sum(i => i.Compensation!.Value);
            var what = charges.Basis is InterestBasis.Contract ? "in late-payment fees" : "in compensation";
            parts.Add(new(fixedSum.Key, amount, $"{fixedSum.Key} {Money.Format(amount)} {what}" +
                                                  (fixedSum.Key == charges.Currency ? "" : $" (in {(fixedSum.Key == "EUR" ? "euros" : fixedSum.Key)}, as the law sets it)")));
        }
        return parts;
    }

    /// <summary>The approver's view before approving: what the text offers, and how each invoice's interest was worked out.</summary>
    public static IReadOnlyList<string> CardLines(ChargesToDate charges, DateOnly asOf, string? waiver)
    {
        if (charges.Basis is InterestBasis.NoInterest none)
            return [$"No late-payment charges are offered: {none.Why}."];
        var lines = new List<string>();
        var paragraph = Paragraph(charges, asOf, waiver);
        lines.Add(paragraph.Length > 0 ? $"Late-payment charges the text offers: {paragraph}" : "No late-payment charges are offered: nothing has accrued.");
        foreach (var invoice in charges.Invoices.Where(i => i.Periods.Count > 0))
            lines.Add($"  {invoice.Invoice}: " + string.Join("; ", invoice.Periods.Select(p =>
                $"{Text.Counted.Of(p.Days, "day")} on {Money.Format(p.Principal)} at " +
                (p.RatePercent is { } rate ? $"{LateCharges.Percent(rate)} = {Money.Format(p.Amount!.Value)}" : "a rate not set"))));
        if (charges.MissingRates is { Count: > 0 } missing)
            lines.Add($"No interest figure is said: the reference rate for {string.Join(" and ", missing)} is not set " +
                      $"(LatePayment:ReferenceRates:{missing[0].Replace(' ', ':')}; see docs/late-payment.md). Compensation only.");
        if (charges.Invoices.FirstOrDefault(i => i.CompensationNote is not null && i.Compensation is null) is { } unconverted)
            lines.Add($"No compensation figure: {unconverted.CompensationNote}.");
        return lines;
    }
}
