using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Worker.CommandLine;

/// <summary>An import summary for people and, with --json, for scripts.</summary>
internal static class SummaryText
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // Written to a terminal or a pipe, never into HTML.
    };

    public static string Json(ImportSummary s) => JsonSerializer.Serialize(new
    {
        file = s.File,
        format = s.Format,
        outcome = Outcome(s.Outcome),
        message = s.Message,
        rows = s.Rows,
        invoices = s.Invoices,
        created = s.Created,
        updated = s.Updated,
        unchanged = s.Unchanged,
        unchangedUnread = s.UnchangedUnread,
        flaggedMissing = s.FlaggedMissing,
        rejectedCount = s.RejectedCount,
        rejected = s.Rejected.Select(r => new { line = r.Line, reason = r.Reason }),
        warnings = s.Warnings,
    }, JsonOptions);

    /// <summary>A skipped file in the same shape as an import, with outcome "skipped" and the reason as its message.</summary>
    public static string Json(SkippedExport s) =>
        JsonSerializer.Serialize(new { file = s.File, outcome = "skipped", message = s.Reason }, JsonOptions);

    /// <summary>Every file read, then every file passed over with why.</summary>
    public static string Human(FolderImportResult result)
    {
        var text = new StringBuilder();
        foreach (var summary in result.Imports)
            text.Append(Human(summary));
        foreach (var skipped in result.Skipped)
            text.AppendLine($"{skipped.File}: not read — {skipped.Reason}");
        return text.ToString();
    }

    public static string Human(ImportSummary s)
    {
        var text = new StringBuilder();
        switch (s.Outcome)
        {
            case ImportOutcome.Refused:
                text.AppendLine($"{s.File}: refused — {s.Message}");
                break;
            case ImportOutcome.Failed:
                text.AppendLine($"{s.File}: failed — {s.Message}");
                break;
            case ImportOutcome.AlreadyImported:
                text.AppendLine($"{s.File}: already imported — {s.Message}");
                break;
            default:
                text.AppendLine($"{s.File}: {s.Format}, {Core.Text.Counted.Of(s.Rows, "row")}, {Core.Text.Counted.Of(s.Invoices, "invoice")}: " +
                                $"{s.Created} new, {s.Updated} updated, {s.Unchanged} unchanged" +
                                (s.FlaggedMissing > 0 ? $", {s.FlaggedMissing} flagged missing" : ""));
                break;
        }
        if (s.RejectedCount > 0)
        {
            text.AppendLine($"  rejected {Core.Text.Counted.Of(s.RejectedCount, "row")}:");
            foreach (var row in s.Rejected.Take(20))
                text.AppendLine($"    line {row.Line}: {row.Reason}");
            if (s.RejectedCount > 20)
                text.AppendLine($"    … {s.RejectedCount - 20} more (use --json, or see import run {s.RunId})");
        }
        foreach (var warning in s.Warnings)
            text.AppendLine($"  warning: {warning}");
        return text.ToString();
    }

    private static string Outcome(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.Imported => "imported",
        ImportOutcome.AlreadyImported => "already-imported",
        ImportOutcome.Refused => "refused",
        ImportOutcome.Failed => "failed",
        _ => "running",
    };
}
