using System.Globalization;
using System.Text.RegularExpressions;

namespace ChaseBot.Core.LatePayment;

/// <summary>
/// Section "LatePayment": whether final notices and hand-off letters offer what the law (or the contract) entitles the
/// supplier to, and the dated reference rates the statutes' interest is worked out from (docs/late-payment.md).
/// </summary>
public sealed partial class LatePaymentOptions
{
    public const string Section = "LatePayment";

    /// <summary>Say the interest and compensation to date in the final notice and the hand-off letter. Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>The notice says the charges are waived if the total overdue is paid by its deadline.</summary>
    public bool WaiveIfPaidByDeadline { get; set; } = true;

    /// <summary>
    /// Reference rates in percent, per jurisdiction and half-year: ReferenceRates:UK:2026-H2 = 4.00. The statute's margin
    /// (8 points in the UK and the Directive, 9 in Germany, 10 in France) is added by ChaseBot. Merged over the shipped
    /// table (<see cref="ShippedRates"/>): a setting wins over a shipped value for the same half-year.
    /// </summary>
    public Dictionary<string, Dictionary<string, decimal>> ReferenceRates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The rates ChaseBot ships, each cited in docs/late-payment.md: the Bank of England's Bank Rate on 31 December or
    /// 30 June (UK), the Bundesbank's base rate of 1 January or 1 July (DE, §247 BGB), and the ECB's main refinancing
    /// rate before the half-year began (EU, Directive 2011/7/EU art. 2(12)). Later half-years are set in configuration.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> ShippedRates =
        new Dictionary<string, IReadOnlyDictionary<string, decimal>>(StringComparer.OrdinalIgnoreCase)
        {
            ["UK"] = new Dictionary<string, decimal> { ["2024-H1"] = 5.25m, ["2024-H2"] = 5.25m, ["2025-H1"] = 4.75m, ["2025-H2"] = 4.25m, ["2026-H1"] = 3.75m },
            ["DE"] = new Dictionary<string, decimal> { ["2024-H1"] = 3.62m, ["2024-H2"] = 3.37m, ["2025-H1"] = 2.27m, ["2025-H2"] = 1.27m },
            ["EU"] = new Dictionary<string, decimal> { ["2024-H1"] = 4.50m, ["2024-H2"] = 4.25m, ["2025-H1"] = 3.15m, ["2025-H2"] = 2.15m },
        };

    /// <summary>The reference rate of <paramref name="table"/> for the half-year <paramref name="period"/>; null when neither set nor shipped.</summary>
    public decimal? RateFor(string table, HalfYear period) =>
        ReferenceRates.TryGetValue(table, out var set) && set.TryGetValue(period.Key, out var configured) ? configured
        : ShippedRates.TryGetValue(table, out var shipped) && shipped.TryGetValue(period.Key, out var value) ? value
        : null;

    [GeneratedRegex(@"^\d{4}-H[12]$")]
    internal static partial Regex PeriodKey();
}

/// <summary>January to June (H1) or July to December (H2) of a year: the span a statutory reference rate holds for.</summary>
public readonly record struct HalfYear(int Year, int Half)
{
    public static HalfYear Of(DateOnly day) => new(day.Year, day.Month <= 6 ? 1 : 2);
    public DateOnly First => new(Year, Half == 1 ? 1 : 7, 1);
    public DateOnly Last => Half == 1 ? new DateOnly(Year, 6, 30) : new DateOnly(Year, 12, 31);
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Year}-H{Half}");
    public override string ToString() => Key;
}

public sealed class LatePaymentOptionsCheck : OptionsCheck<LatePaymentOptions>
{
    protected override IEnumerable<string> Failures(LatePaymentOptions o)
    {
        foreach (var (jurisdiction, periods) in o.ReferenceRates)
            foreach (var (period, rate) in periods)
            {
                if (!LatePaymentOptions.PeriodKey().IsMatch(period))
                    yield return $"LatePayment:ReferenceRates:{jurisdiction}:{period}: a period is a half-year written like 2026-H2";
                if (rate is < -5 or > 50)
                    yield return $"LatePayment:ReferenceRates:{jurisdiction}:{period} is {rate}: a reference rate is a percentage, e.g. 4.00";
            }
    }
}
