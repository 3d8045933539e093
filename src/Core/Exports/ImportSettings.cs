using ChaseBot.Core.Exports.Formats;
using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Exports;

/// <summary>How far an import has come: batches written so far and the invoices in them.</summary>
public sealed record ImportProgress(int Batches, int Invoices);

/// <summary>How one import reads its file: configuration with any command-line overrides applied.</summary>
public sealed record ImportSettings
{
    /// <summary>Force one format by name instead of detecting it from the header.</summary>
    public string? FormatName { get; init; }
    public DateOrder DateOrder { get; init; } = DateOrder.Unknown;
    public int? PaymentTermDays { get; init; }
    public string DefaultCurrency { get; init; } = "USD";
    public int MaxLineLength { get; init; } = 1_000_000;
    public ExportFormat? GenericFormat { get; init; }
    /// <summary>Formats a host adds to the built-in ones (docs/extending.md); tried after them, before the generic one.</summary>
    public IReadOnlyList<ExportFormat> ExtraFormats { get; init; } = [];
    /// <summary>Told after each batch is written, inside the import's transaction (a progress display, the memory test).</summary>
    public IProgress<ImportProgress>? Progress { get; init; }
    /// <summary>Who started the import, for the audit history ("cli", "worker").</summary>
    public string StartedBy { get; init; } = "cli";

    public static ImportSettings From(ExportOptions options) => new()
    {
        DateOrder = options.ParseDateOrder(),
        PaymentTermDays = options.FreshBooks.PaymentTermDays,
        DefaultCurrency = options.DefaultCurrency.Trim().ToUpperInvariant(),
        MaxLineLength = options.MaxLineLength,
        GenericFormat = GenericCsvExport.FromOptions(options.Generic),
    };

    /// <summary>Every format, most specific first; the generic one only when it is configured.</summary>
    public IReadOnlyList<ExportFormat> Formats()
    {
        List<ExportFormat> all =
        [
            XeroInvoiceExport.ImportTemplate, XeroInvoiceExport.Format, QuickBooksReport.Format,
            StripeInvoiceExport.Format, ZohoInvoiceExport.Format, InvoiceNinjaExport.V5, InvoiceNinjaExport.V4,
            FreshBooksInvoiceExport.Format,
        ];
        all.AddRange(ExtraFormats);
        if (GenericFormat is not null)
            all.Add(GenericFormat);
        if (FormatName is null)
            return all;
        var chosen = all.Where(f => f.Name.Equals(FormatName, StringComparison.OrdinalIgnoreCase) ||
                                    (f.Name.StartsWith(FormatName + "-", StringComparison.OrdinalIgnoreCase) && f.RefuseBecause is null))
            .ToList();
        if (chosen.Count == 0)
            throw new ExportRefusedException(
                $"there is no format called '{FormatName}'. Formats: {string.Join(", ", FormatNames(all))}" +
                (GenericFormat is null ? " (generic needs Exports:Generic:Columns)" : ""));
        return chosen;
    }

    public static IEnumerable<string> FormatNames(IEnumerable<ExportFormat> formats) =>
        formats.Where(f => f.RefuseBecause is null).Select(f => f.Name);
}
