namespace ChaseBot.Core.Ledger;

public enum ImportOutcome
{
    Running,
    Imported,
    /// <summary>The same content was imported before; nothing was changed.</summary>
    AlreadyImported,
    /// <summary>The file was refused whole (unknown format, undecidable dates, binary...).</summary>
    Refused,
    /// <summary>The database could not be written (full disk, read-only file...): rolled back, nothing imported.</summary>
    Failed,
}

/// <summary>One export file processed: the evidence of what it said and what it changed.</summary>
public sealed class ImportRun
{
    public long Id { get; set; }
    public required string FileName { get; set; }
    /// <summary>SHA-256 of the file's bytes, lowercase hex: how a file already processed is recognised.</summary>
    public required string FileHash { get; set; }
    public long FileSize { get; set; }
    /// <summary>When the export's facts were true (UTC): the file's modified time. Older facts never overwrite newer ones.</summary>
    public DateTime? AsOf { get; set; }
    public string? Format { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public ImportOutcome Outcome { get; set; }
    public string? Message { get; set; }
    public int Rows { get; set; }
    public int Invoices { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int RejectedCount { get; set; }
    /// <summary>Warnings, one per line.</summary>
    public string? Warnings { get; set; }
    public List<RejectedRow> RejectedRows { get; set; } = [];
}

public sealed class RejectedRow
{
    public long Id { get; set; }
    public long ImportRunId { get; set; }
    public int Line { get; set; }
    public required string Reason { get; set; }
}
