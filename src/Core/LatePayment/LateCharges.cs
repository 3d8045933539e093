using System.Collections.Concurrent;
using System.Globalization;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.LatePayment;

/// <summary>What a set of invoices has accrued, added up for a letter: interest (null where a rate is missing) and compensation.</summary>
public sealed record ChargesToDate(string Currency, InterestBasis Basis, IReadOnlyList<InvoiceInterest> Invoices)
{
    /// <summary>Null when any invoice's interest cannot be worked out: then no interest figure is said at all.</summary>
    public decimal? Interest => Invoices.All(i => i.Interest is not null) ? Invoices.Sum(i => i.Interest!.Value) : null;

    /// <summary>Compensation in the debt's own currency (the euro sum on a euro invoice, the Act's on a sterling one, the contract's fee).</summary>
    public decimal Compensation => Invoices.Where(i => i.CompensationCurrency == Currency).Sum(i => i.Compensation ?? 0);

    public IReadOnlyList<string> MissingRates => [.. Invoices.SelectMany(i => i.MissingRates).Distinct()];

    /// <summary>Nothing to say: no basis, or nothing accrued and no fixed sum.</summary>
    public bool Nothing => Basis is InterestBasis.NoInterest || (Interest is null or 0 && Compensation == 0);
}

/// <summary>
/// Works out late-payment interest and compensation for a client's invoices from the ledger: which basis applies
/// (<see cref="BasisFor"/>), the payments with their days, and the reference rates configured or shipped. A half-year
/// whose rate is missing is warned about once, naming it.
/// </summary>
public sealed class LateCharges(IOptions<LatePaymentOptions> options, ILogger<LateCharges> log)
{
    private readonly ConcurrentDictionary<string, bool> _warned = new();

    public LatePaymentOptions Options => options.Value;

    /// <summary>
    /// The basis for a client: none for a consumer; the contract's terms where they are recorded (a contract with its own
    /// remedy displaces the statute, and it is the only source in the US); else the statute of their jurisdiction.
    /// </summary>
    public static InterestBasis BasisFor(Client client)
    {
        if (client.IsConsumer)
            return new InterestBasis.NoInterest($"{client.Name} is a consumer: the late-payment laws apply between businesses, so nothing is charged");
        if (client.Clauses.LateInterestPercentAYear is { } rate)
            return new InterestBasis.Contract(rate, client.Clauses.LateFeeTerms ?? $"{Percent(rate)} a year", client.Clauses.LateFee);
        return Jurisdictions.Normalize(client.Jurisdiction) switch
        {
            null => new InterestBasis.NoInterest($"no jurisdiction is recorded for {client.Name} (/chase client \"{client.Name}\" jurisdiction UK|US|DE|FR|IE…)"),
            Jurisdictions.UnitedStates => new InterestBasis.NoInterest(
                "in the United States no law gives interest between businesses; only the contract's terms count, and none are recorded (late-terms)"),
            var code => new InterestBasis.Law(Jurisdictions.StatuteOf(code)!),
        };
    }

    public InvoiceInterest Compute(InvoiceDebt debt, InterestBasis basis, DateOnly asOf)
    {
        var result = InterestCalculator.Compute(debt, basis, asOf, Options.RateFor);
        foreach (var missing in result.MissingRates)
            if (_warned.TryAdd(missing, true))
                log.LogWarning("No reference rate for {Period}: late-payment interest there is not worked out, only compensation is said. " +
                               "Set LatePayment:ReferenceRates:{Key} (see docs/late-payment.md)", missing, missing.Replace(' ', ':'));
        return result;
    }

    /// <summary>
    /// The client's invoices as of <paramref name="asOf"/>: the ones named in <paramref name="invoiceIds"/>, or else every
    /// one still owed and past due. Each with its payments and their days.
    /// </summary>
    public async Task<IReadOnlyList<InvoiceInterest>> ForClientAsync(ChaseDbContext db, Client client, DateOnly asOf,
        IReadOnlyCollection<long>? invoiceIds, CancellationToken cancellationToken)
    {
        var invoices = db.Invoices.AsNoTracking().Where(i => i.ClientId == client.Id);
        invoices = invoiceIds is null ? invoices.Outstanding().Where(i => i.DueDate < asOf) : invoices.Where(i => invoiceIds.Contains(i.Id));
        var rows = await invoices.OrderBy(i => i.DueDate).ThenBy(i => i.Number)
            .Select(i => new { i.Number, i.Currency, i.Total, i.AmountPaid, i.DueDate, Payments = i.Payments.Select(p => new { p.PaidOn, p.Amount }).ToList() })
            .ToListAsync(cancellationToken);
        var basis = BasisFor(client);
        return rows.Select(i =>
        {
            var dated = i.Payments.Where(p => p.PaidOn <= asOf).Select(p => new PaymentOn(p.PaidOn, p.Amount)).ToList();
            var undated = Math.Max(0, i.AmountPaid - i.Payments.Sum(p => p.Amount));
            return Compute(new InvoiceDebt(i.Number, i.Currency, i.Total, i.DueDate, dated, undated), basis, asOf);
        }).ToList();
    }

    /// <summary>What a case's invoices have accrued as of <paramref name="asOf"/>, for its letter.</summary>
    public async Task<ChargesToDate> ForCaseAsync(ChaseDbContext db, long clientId, string currency, IReadOnlyCollection<long> invoiceIds, DateOnly asOf,
        CancellationToken cancellationToken)
    {
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, cancellationToken);
        return new ChargesToDate(currency, BasisFor(client), await ForClientAsync(db, client, asOf, invoiceIds, cancellationToken));
    }

    /// <summary>
    /// The case as a final notice or hand-off letter describes it, with the charges to date its text offers when
    /// LatePayment:Enabled; the view unchanged for any other rung, or when the feature is off.
    /// </summary>
    public async Task<Chasing.CaseView> AttachAsync(ChaseDbContext db, Chasing.CaseView view, Chasing.LadderStep step, Chasing.ChaseLadder ladder,
        DateOnly today, CancellationToken cancellationToken)
    {
        if (!Options.Enabled || !step.OffersLateCharges || view.Overdue.Count == 0)
            return view;
        var charges = await ForCaseAsync(db, view.Client.Id, view.Currency, view.Overdue.Select(i => i.Id).ToList(), today, cancellationToken);
        // Waived by the date the text gives, the one the case keeps; a letter that gives no date waives them on settling first.
        var waiver = !Options.WaiveIfPaidByDeadline ? null
            : Chasing.EscalationArtifacts.PayBy(step.Id, view, today, ladder) is { } payBy ? $"if the total overdue is paid by {Chasing.CaseHistory.Long(payBy)}"
            : "if you settle with us before they contact you";
        return view with { Charges = charges, ChargesWaiver = waiver, ChargesAsOf = today };
    }

    public static string Percent(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string Amount(string currency, decimal amount) => $"{currency} {Money.Format(amount)}";
}
