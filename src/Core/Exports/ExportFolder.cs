using System.Globalization;

namespace ChaseBot.Core.Exports;

/// <summary>A file in the export folder that was not read this time, and why (every one is reported).</summary>
public sealed record SkippedExport(string File, string Reason);

/// <summary>What a look at the export folder found: files to read (oldest first), files passed over, and warnings per file.</summary>
public sealed record FolderScan(IReadOnlyList<FileInfo> Ready, IReadOnlyList<SkippedExport> Skipped,
    IReadOnlyDictionary<string, string> Warnings);

/// <summary>
/// The folder people (or a sync client) drop exports into. A file is read only when it is complete: its name is
/// not a download or editor temporary, and it has stopped changing for the settle time.
/// </summary>
/// <remarks>
/// "Stopped changing" is judged on this machine's own running clock, never by comparing a file's timestamp with
/// the chase's "today" (which a test or --as-of may set anywhere): a file whose write time is at least the settle
/// time in the past by the real clock is at rest; any other file (just written, or dated ahead of this machine by
/// clock skew, a network share or a copy that kept its times) is watched for the settle time, and read when its
/// size and write time have not moved.
/// </remarks>
public sealed class ExportFolder(string path, TimeProvider? realClock = null)
{
    private static readonly string[] TemporarySuffixes =
        [".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".filepart", ".swp", "~"];

    /// <summary>Differences smaller than this between a file's time and ours are ordinary and not worth a warning.</summary>
    private static readonly TimeSpan SkewTolerance = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock = realClock ?? TimeProvider.System;

    public string Path { get; } = path;

    public async Task<FolderScan> ScanAsync(TimeSpan settleTime, CancellationToken cancellationToken = default)
    {
        var folder = new DirectoryInfo(Path);
        if (!folder.Exists)
            throw new DirectoryNotFoundException($"the export folder '{folder.FullName}' does not exist");

        var now = _clock.GetUtcNow().UtcDateTime;
        var ready = new List<FileInfo>();
        var skipped = new List<SkippedExport>();
        var watched = new List<(FileInfo File, long Length, DateTime Written)>();
        foreach (var file in folder.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (LooksTemporary(file.Name))
                skipped.Add(new SkippedExport(file.Name, TemporaryReason(file.Name)));
            else if (settleTime <= TimeSpan.Zero || now - file.LastWriteTimeUtc >= settleTime)
                ready.Add(file);
            else
                watched.Add((file, file.Length, file.LastWriteTimeUtc));
        }

        if (watched.Count > 0)
        {
            await Task.Delay(settleTime, _clock, cancellationToken);
            foreach (var (file, length, written) in watched)
            {
                file.Refresh();
                if (!file.Exists)
                    skipped.Add(new SkippedExport(file.Name, "it disappeared while it was being checked"));
                else if (file.Length != length || file.LastWriteTimeUtc != written)
                    skipped.Add(new SkippedExport(file.Name,
                        $"it is still being written (it changed during the last {Seconds(settleTime)}); it is read once it stops changing"));
                else
                    ready.Add(file);
            }
        }

        var warnings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in ready.Where(f => f.LastWriteTimeUtc - now > SkewTolerance))
            warnings[file.Name] = $"the file is dated {Duration(file.LastWriteTimeUtc - now)} ahead of this machine's clock " +
                                  $"({file.LastWriteTimeUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC); " +
                                  "it was read because it has stopped changing. Check the clock of the machine or share that wrote it.";

        ready.Sort((a, b) => a.LastWriteTimeUtc != b.LastWriteTimeUtc
            ? a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc)
            : StringComparer.Ordinal.Compare(a.Name, b.Name));
        return new FolderScan(ready, skipped, warnings);
    }

    /// <summary>Names used while a file is being downloaded, synced or edited, and hidden files.</summary>
    public static bool LooksTemporary(string name) =>
        name.StartsWith('.') || name.StartsWith("~$", StringComparison.Ordinal) ||
        TemporarySuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    private static string TemporaryReason(string name) =>
        name.StartsWith('.') ? "hidden files are not read; rename it without the leading dot to import it"
        : name.StartsWith("~$", StringComparison.Ordinal) ? "it is an office program's lock file, not an export"
        : "its name marks a download, sync or edit still in progress; it is read once it has its final name";

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds == 1 ? "second" : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} seconds");

    private static string Duration(TimeSpan span)
    {
        static string Unit(int n, string one) => n == 1 ? $"1 {one}" : $"{n} {one}s";
        if (span.TotalDays >= 1)
            return span.Hours > 0 ? $"{Unit((int)span.TotalDays, "day")} {Unit(span.Hours, "hour")}" : Unit((int)span.TotalDays, "day");
        if (span.TotalHours >= 1)
            return span.Minutes > 0 ? $"{Unit((int)span.TotalHours, "hour")} {Unit(span.Minutes, "minute")}" : Unit((int)span.TotalHours, "hour");
        return Unit((int)Math.Round(span.TotalMinutes), "minute");
    }
}
