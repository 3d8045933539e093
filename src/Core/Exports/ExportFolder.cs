using System.Globalization;

namespace ChaseBot.Core.Exports;

/// <summary>A file in the export folder that was not read this time, and why (every one is reported).</summary>
public sealed record SkippedExport(string File, string Reason);

/// <summary>What a look at the export folder found: files to read (oldest first), files passed over, and warnings per file.</summary>
public sealed record FolderScan(IReadOnlyList<FileInfo> Ready, IReadOnlyList<SkippedExport> Skipped,
    IReadOnlyDictionary<string, string> Warnings);

/// <summary>
/// What earlier looks at a folder saw of each file (its size and write time, and when that was first seen on the
/// running clock), so a file already watched long enough is not watched again. One per scheduled import.
/// </summary>
public sealed class FileObservations
{
    internal readonly Dictionary<string, (long Length, DateTime Written, long SeenAt)> Seen = new(StringComparer.Ordinal);
}

/// <summary>
/// The folder people (or a sync client) drop exports into. A file is read only when it is complete: its name is
/// not a download or editor temporary, and it has stopped changing for the settle time.
/// </summary>
/// <remarks>
/// "Stopped changing" is measured, never inferred from a timestamp: a file's size and write time must stay the same
/// for the settle time on this process's running (monotonic) clock. Its timestamp may be anything (a machine or
/// share whose clock is off, a copy that kept the original times), and is compared with nothing except to warn
/// about a file dated ahead of this machine.
/// </remarks>
public sealed class ExportFolder(string path, TimeProvider? realClock = null, FileObservations? observations = null)
{
    private static readonly string[] TemporarySuffixes =
        [".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".filepart", ".swp", "~"];

    /// <summary>Differences smaller than this between a file's time and ours are ordinary and not worth a warning.</summary>
    private static readonly TimeSpan SkewTolerance = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock = realClock ?? TimeProvider.System;
    private readonly FileObservations _seen = observations ?? new FileObservations();

    public string Path { get; } = path;

    /// <summary>
    /// The files to read now. With a settle time, files not yet seen unchanged for that long are watched (this call
    /// waits, at most the settle time) and read if they did not move; with none, every file is read as it is.
    /// </summary>
    public async Task<FolderScan> ScanAsync(TimeSpan settleTime, CancellationToken cancellationToken = default)
    {
        var folder = new DirectoryInfo(Path);
        if (!folder.Exists)
            throw new DirectoryNotFoundException($"the export folder '{folder.FullName}' does not exist");

        var ready = new List<FileInfo>();
        var skipped = new List<SkippedExport>();
        var watched = new List<FileInfo>();
        var longestWait = TimeSpan.Zero;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in folder.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            present.Add(file.FullName);
            if (LooksTemporary(file.Name))
            {
                skipped.Add(new SkippedExport(file.Name, TemporaryReason(file.Name)));
                continue;
            }
            if (settleTime <= TimeSpan.Zero)
            {
                ready.Add(file);
                continue;
            }
            var unchangedFor = Observe(file);
            if (unchangedFor >= settleTime)
                ready.Add(file);
            else
            {
                watched.Add(file);
                longestWait = TimeSpan.FromTicks(Math.Max(longestWait.Ticks, (settleTime - unchangedFor).Ticks));
            }
        }
        foreach (var sub in folder.EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).OrderBy(d => d.Name, StringComparer.Ordinal))
            skipped.Add(new SkippedExport(sub.Name + "/", "a folder: only the files directly in the export folder are read"));
        foreach (var gone in _seen.Seen.Keys.Where(k => k.StartsWith(folder.FullName, StringComparison.Ordinal) && !present.Contains(k)).ToList())
            _seen.Seen.Remove(gone);

        if (watched.Count > 0)
        {
            await Task.Delay(longestWait, _clock, cancellationToken);
            foreach (var file in watched)
            {
                file.Refresh();
                if (!file.Exists)
                    skipped.Add(new SkippedExport(file.Name, "it disappeared while it was being checked"));
                else if (Observe(file) > TimeSpan.Zero) // the same size and time as before the wait
                    ready.Add(file);
                else
                    skipped.Add(new SkippedExport(file.Name,
                        $"it is still being written (it changed during the last {Seconds(settleTime)}); it is read once it stops changing"));
            }
        }

        var now = _clock.GetUtcNow().UtcDateTime;
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

    /// <summary>How long the file has had its present size and write time, as far as this process has seen (zero: it just changed).</summary>
    private TimeSpan Observe(FileInfo file)
    {
        var signature = (file.Length, file.LastWriteTimeUtc);
        if (_seen.Seen.TryGetValue(file.FullName, out var seen) && (seen.Length, seen.Written) == signature)
            return _clock.GetElapsedTime(seen.SeenAt);
        _seen.Seen[file.FullName] = (signature.Length, signature.LastWriteTimeUtc, _clock.GetTimestamp());
        return TimeSpan.Zero;
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
