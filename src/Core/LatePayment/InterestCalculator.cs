namespace ChaseBot.Core.LatePayment;

/// <summary>A payment towards an invoice, on its day.</summary>
public sealed record PaymentOn(DateOnly On, decimal Amount);

/// <summary>
/// An invoice as the interest on it is worked out: what it was for, when it fell due, and what was paid when. A part paid
/// before the ledger saw the invoice has no day (<paramref name="UndatedPaid"/>): it counts as paid before the due date,
/// so no interest is ever claimed on money that may have come in on time.
/// </summary>
public sealed record InvoiceDebt(string Number, string Currency, decimal Total, DateOnly DueDate, IReadOnlyList<PaymentOn> Payments, decimal UndatedPaid = 0);

/// <summary>Why interest is what it is: a statute, the contract's own terms, or nothing (and why not).</summary>
public abstract record InterestBasis(string Words)
{
    /// <summary>The statute, at its margin over the reference rate of each half-year.</summary>
    public sealed record Law(Statute Statute) : InterestBasis($"{Statute.Name}: {Statute.Margin:0.##} points over the reference rate");

    /// <summary>The contract's terms: simple interest at <paramref name="RatePercentAYear"/>, and a fixed fee per invoice if it names one.</summary>
    public sealed record Contract(decimal RatePercentAYear, string Terms, decimal? Fee) : InterestBasis($"the contract: {Terms}");

    public sealed record NoInterest(string Why) : InterestBasis(Why);
}

/// <param name="RatePercent">The rate a year for the period; null where the reference rate for its half-year is not known.</param>
/// <param name="Amount">Rounded to the cent, once for the period; null with the rate.</param>
public sealed record InterestPeriod(DateOnly From, DateOnly To, int Days, decimal Principal, decimal? RatePercent, decimal? Amount);

/// <param name="Principal">What was overdue on the first day interest ran.</param>
/// <param name="Interest">The periods' amounts added; null when a period's rate is not known (no interest figure at all).</param>
/// <param name="Compensation">The fixed sum for the invoice, in <paramref name="CompensationCurrency"/>; null where none is due or it cannot be told.</param>
/// <param name="MissingRates">The half-years whose reference rate is not set ("UK 2026-H2").</param>
public sealed record InvoiceInterest(string Invoice, string Currency, decimal Principal, int Days, IReadOnlyList<InterestPeriod> Periods,
    decimal? Interest, decimal? Compensation, string? CompensationCurrency, InterestBasis Basis, IReadOnlyList<string> MissingRates,
    string? CompensationNote = null);

/// <summary>
/// Late-payment interest to the day (docs/late-payment.md): simple interest on a 365-day year, on the principal overdue
/// each day from the day after the due date up to and including the "as of" day; a period for each span of days with one
/// rate and one principal (the reference rate changes each half-year; a payment lowers the principal from its day),
/// each rounded to the cent once.
/// </summary>
public static class InterestCalculator
{
    public const int DaysInYear = 365;

    public static InvoiceInterest Compute(InvoiceDebt debt, InterestBasis basis, DateOnly asOf, Func<string, HalfYear, decimal?> referenceRate)
    {
        var start = debt.DueDate.AddDays(1);
        decimal PrincipalOn(DateOnly day) =>
            Math.Max(0, debt.Total - debt.UndatedPaid - debt.Payments.Where(p => p.On <= day).Sum(p => p.Amount));
        var principal = start <= asOf ? PrincipalOn(start) : 0;
        // With no basis nothing accrues, but the days late are still said as they are.
        if (basis is InterestBasis.NoInterest)
            return new InvoiceInterest(debt.Number, debt.Currency, principal, Math.Max(0, asOf.DayNumber - debt.DueDate.DayNumber), [], null, null, null, basis, []);
        if (principal <= 0)
            return new InvoiceInterest(debt.Number, debt.Currency, principal, 0, [], 0m, null, null, basis, []);

        var missing = new List<string>();
        decimal? RateOn(DateOnly day)
        {
            switch (basis)
            {
                case InterestBasis.Contract contract:
                    return contract.RatePercentAYear;
                case InterestBasis.Law law:
                    var half = HalfYear.Of(day);
                    var reference = law.Statute.RateTables.Select(table => referenceRate(table, half)).FirstOrDefault(r => r is not null);
                    if (reference is null && !missing.Contains($"{law.Statute.Jurisdiction} {half}"))
                        missing.Add($"{law.Statute.Jurisdiction} {half}");
                    return reference + law.Statute.Margin;
                default:
                    return null;
            }
        }

        var periods = new List<InterestPeriod>();
        var (from, owed, rate) = (start, principal, RateOn(start));
        for (var day = start; day <= asOf.AddDays(1); day = day.AddDays(1))
        {
            var (dayOwed, dayRate) = day <= asOf ? (PrincipalOn(day), RateOn(day)) : (-1m, null);
            if (day <= asOf && dayOwed == owed && dayRate == rate)
                continue;
            var days = day.DayNumber - from.DayNumber;
            if (owed > 0)
                periods.Add(new InterestPeriod(from, day.AddDays(-1), days, owed, rate,
                    rate is { } r ? Math.Round(owed * r / 100m * days / DaysInYear, 2, MidpointRounding.AwayFromZero) : null));
            (from, owed, rate) = (day, dayOwed, dayRate);
            if (day <= asOf && dayOwed <= 0)
                break; // paid: interest stops
        }

        var (compensation, compensationCurrency, note) = basis switch
        {
            InterestBasis.Contract { Fee: { } fee } => ((decimal?)fee, debt.Currency, (string?)null),
            InterestBasis.Law { Statute: var s } when s.CompensationCurrency == debt.Currency => (s.Compensation(principal), s.CompensationCurrency, null),
            // The euro sum is the same whatever the debt: it is claimed in euros, as the law sets it.
            InterestBasis.Law { Statute: { CompensationCurrency: "EUR" } s } => (s.Compensation(principal), "EUR", $"in euros, as the law sets it (the invoice is in {debt.Currency})"),
            // The Act's bands are in sterling: a debt in another currency would need converting, which ChaseBot does not do.
            InterestBasis.Law { Statute.CompensationCurrency: "GBP" } => (null, null,
                $"the Act's fixed sum is £40, £70 or £100 by the debt's value in sterling; the invoice is in {debt.Currency}, which ChaseBot does not convert"),
            _ => (null, null, null),
        };
        return new InvoiceInterest(debt.Number, debt.Currency, principal, periods.Sum(p => p.Days), periods,
            periods.All(p => p.Amount is not null) ? periods.Sum(p => p.Amount!.Value) : null, compensation, compensationCurrency, basis, missing, note);
    }
}
