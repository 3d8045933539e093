namespace ChaseBot.Core.Exports.Parsing;

/// <summary>
/// How many decimals a currency's amounts can have (ISO 4217's minor units): yen have none, Kuwaiti dinars three,
/// most currencies two. An amount with more is not money in that currency: "1500.50" yen is a mistake, not a price.
/// Trailing zeros are not decimals here, so the "100.0000" some exports write is still a hundred.
/// </summary>
public static class CurrencyDecimals
{
    private static readonly HashSet<string> None =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];

    private static readonly HashSet<string> Three = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    /// <summary>The decimals <paramref name="currency"/> allows; two for a code not listed.</summary>
    public static int Of(string currency) => None.Contains(currency) ? 0 : Three.Contains(currency) ? 3 : 2;

    /// <summary>True when <paramref name="amount"/> has no more decimals than <paramref name="currency"/> allows.</summary>
    public static bool Fits(decimal amount, string currency) => decimal.Round(amount, Of(currency)) == amount;
}
