using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Exports;

/// <summary>Section "Exports".</summary>
public sealed class ExportOptions
{
    public const string Section = "Exports";

    /// <summary>Folder the Worker's import job reads new export files from.</summary>
    public string Folder { get; set; } = "samples/exports";

    /// <summary>Quartz cron expression for the import job. Default: every 15 minutes.</summary>
    public string Schedule { get; set; } = "0 0/15 * * * ?";

    /// <summary>auto (decide from the file, refuse when it cannot be decided), dmy or mdy.</summary>
    public string DateOrder { get; set; } = "auto";

    /// <summary>Currency for formats whose files carry none (QuickBooks single-currency, Invoice Ninja v4).</summary>
    public string DefaultCurrency { get; set; } = "USD";

    /// <summary>A file in the folder is read only once it has not changed for this long.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longer lines mean a broken or hostile file; it is refused whole.</summary>
    public int MaxLineLength { get; set; } = 1_000_000;

    public FreshBooksOptions FreshBooks { get; set; } = new();
    public GenericCsvOptions Generic { get; set; } = new();

    public DateOrder ParseDateOrder() => ParseDateOrder(DateOrder) ??
        throw new SettingsException($"Exports:DateOrder is '{DateOrder}'; expected auto, dmy or mdy.");

    public static DateOrder? ParseDateOrder(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Parsing.DateOrder.Unknown,
        "dmy" => Parsing.DateOrder.DayFirst,
        "mdy" => Parsing.DateOrder.MonthFirst,
        _ => null,
    };
}

public sealed class FreshBooksOptions
{
    /// <summary>Days from issue to due ("net 30" is 30). FreshBooks files are refused without it.</summary>
    public int? PaymentTermDays { get; set; }
}

public sealed class GenericCsvOptions
{
    /// <summary>Field name (Number, Client, DueDate, Total, Balance, ...) to the header it has in the file.</summary>
    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public string Source { get; set; } = "generic";
}

public sealed class ExportOptionsCheck : OptionsCheck<ExportOptions>
{
    protected override IEnumerable<string> Failures(ExportOptions o)
    {
        if (ExportOptions.ParseDateOrder(o.DateOrder) is null)
            yield return "Exports:DateOrder must be auto, dmy or mdy";
        if (o.DefaultCurrency.Trim() is not { Length: 3 } currency || !currency.All(char.IsAsciiLetter))
            yield return "Exports:DefaultCurrency must be a three-letter currency code such as USD";
        if (o.FreshBooks.PaymentTermDays is < 0 or > 365)
            yield return "Exports:FreshBooks:PaymentTermDays must be between 0 and 365";
        if (o.MaxLineLength <= 0)
            yield return "Exports:MaxLineLength must be positive";
        if (!GenericIsValid(o.Generic))
            yield return "Exports:Generic:Columns names a field ChaseBot does not read " +
                         "(use Number, Client, Email, IssueDate, DueDate, Currency, Total, Paid, Balance, Status, PaymentLink)";
    }

    private static bool GenericIsValid(GenericCsvOptions generic)
    {
        try { Formats.GenericCsvExport.FromOptions(generic); return true; }
        catch (InvalidOperationException) { return false; }
    }
}
