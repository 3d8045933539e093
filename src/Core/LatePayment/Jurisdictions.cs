namespace ChaseBot.Core.LatePayment;

/// <summary>
/// What the law of a jurisdiction gives a business paid late by another business: the statute's name as a letter says
/// it, the points over the reference rate, which rate table it reads, and the fixed compensation per invoice.
/// </summary>
/// <param name="RateTables">Where the reference rate is looked up, in order (a member state's own, then the ECB's).</param>
/// <param name="Compensation">The fixed sum per invoice, in <see cref="CompensationCurrency"/>, for a debt of the given amount in that currency.</param>
public sealed record Statute(string Jurisdiction, string Name, decimal Margin, IReadOnlyList<string> RateTables, string CompensationCurrency,
    Func<decimal, decimal> Compensation);

public static class Jurisdictions
{
    public const string UnitedKingdom = "UK", UnitedStates = "US";

    /// <summary>The EU member states (ISO 3166 codes; Greece as EL or GR).</summary>
    public static readonly IReadOnlySet<string> EuMembers = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT",
        "RO", "SK", "SI", "ES", "SE",
    };

    /// <summary>UK, US or a member state's code, upper case; GB is the UK. Null for anything else.</summary>
    public static string? Normalize(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "UK" or "GB" => UnitedKingdom,
        "US" or "USA" => UnitedStates,
        { } eu when EuMembers.Contains(eu) => eu == "GR" ? "EL" : eu,
        _ => null,
    };

    private static readonly Dictionary<string, string> CountryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["United Kingdom"] = UnitedKingdom, ["Great Britain"] = UnitedKingdom, ["England"] = UnitedKingdom, ["Scotland"] = UnitedKingdom,
        ["Wales"] = UnitedKingdom, ["Northern Ireland"] = UnitedKingdom, ["United States"] = UnitedStates, ["United States of America"] = UnitedStates,
        ["Austria"] = "AT", ["Belgium"] = "BE", ["Bulgaria"] = "BG", ["Croatia"] = "HR", ["Cyprus"] = "CY", ["Czechia"] = "CZ", ["Czech Republic"] = "CZ",
        ["Denmark"] = "DK", ["Estonia"] = "EE", ["Finland"] = "FI", ["France"] = "FR", ["Germany"] = "DE", ["Deutschland"] = "DE", ["Greece"] = "EL",
        ["Hungary"] = "HU", ["Ireland"] = "IE", ["Italy"] = "IT", ["Latvia"] = "LV", ["Lithuania"] = "LT", ["Luxembourg"] = "LU", ["Malta"] = "MT",
        ["Netherlands"] = "NL", ["The Netherlands"] = "NL", ["Poland"] = "PL", ["Portugal"] = "PT", ["Romania"] = "RO", ["Slovakia"] = "SK",
        ["Slovenia"] = "SI", ["Spain"] = "ES", ["Sweden"] = "SE",
    };

    /// <summary>An export's country, as a name ("United Kingdom") or a code ("GB"), as a jurisdiction; null for any other.</summary>
    public static string? FromCountry(string? country) =>
        string.IsNullOrWhiteSpace(country) ? null
        : CountryNames.TryGetValue(country.Trim(), out var named) ? named
        : country.Trim().Length is 2 or 3 ? Normalize(country) : null;

    /// <summary>The statute a business may rely on there; null where there is none between businesses (the US).</summary>
    public static Statute? StatuteOf(string jurisdiction) => jurisdiction switch
    {
        UnitedKingdom => new(UnitedKingdom, "the Late Payment of Commercial Debts (Interest) Act 1998", 8m, ["UK"], "GBP", UkCompensation),
        "DE" => new("DE", "§288 of the German Civil Code (BGB)", 9m, ["DE"], "EUR", _ => 40m),
        "FR" => new("FR", "article L441-10 of the French Commercial Code", 10m, ["FR", "EU"], "EUR", _ => 40m),
        _ when EuMembers.Contains(jurisdiction) => new(jurisdiction, $"the law of {jurisdiction} under Directive 2011/7/EU", 8m, [jurisdiction, "EU"], "EUR", _ => 40m),
        _ => null,
    };

    /// <summary>The Act's fixed sums (s.5A): £40 under £1,000, £70 up to £9,999.99, £100 from £10,000.</summary>
    public static decimal UkCompensation(decimal debt) => debt < 1000m ? 40m : debt < 10000m ? 70m : 100m;
}
