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

/// <summary>Where an import's facts came from.</summary>
public enum ImportOrigin
{
    /// <summary>An export file: <see cref="ImportRun.FileName"/> and <see cref="ImportRun.FileHash"/> are its own.</summary>
    File,
    /// <summary>A sync with a connected source (<see cref="ImportRun.Source"/>), up to <see cref="ImportRun.Cursor"/>.</summary>
    Sync,
}

/// <summary>What an import's facts say about invoices they do not list.</summary>
public enum FactsMode
{
    /// <summary>Every invoice of the source: one not listed is flagged missing.</summary>
    Snapshot,
    /// <summary>Only what changed: one not listed is untouched.</summary>
    Changes,
}

/// <summary>One import, from a file or a sync: the evidence of what it said and what it changed.</summary>
public sealed class ImportRun
{
    public long Id { get; set; }
    /// <summary>The file's name; for a sync, what it was ("Stripe sync").</summary>
    public required string FileName { get; set; }
    /// <summary>
    /// SHA-256 of the file's bytes, lowercase hex: how a file already processed is recognised. A sync's is a key of its
    /// own ("sync:…"), never a file's.
    /// </summary>
    public required string FileHash { get; set; }
    public ImportOrigin Origin { get; set; }
    /// <summary>The connected source a sync read ("stripe", "xero", "quickbooks"); null for a file.</summary>
    public string? Source { get; set; }
    /// <summary>Where the sync got to (the last event seen, the modified-since time), for the next sync to start from.</summary>
    public string? Cursor { get; set; }
    public FactsMode Mode { get; set; }
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
