namespace ChaseBot.Core.Exports;

/// <summary>
/// The folder people (or a sync client) drop exports into. A file is read only when it is complete: its name is
/// not a download or editor temporary, and it has not changed for the settle time (a size still growing means
/// it is still being written).
/// </summary>
public sealed class ExportFolder(string path, TimeProvider clock)
{
    private static readonly string[] TemporarySuffixes =
        [".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".filepart", ".swp", "~"];

    public string Path { get; } = path;

    /// <summary>Export files ready to read, oldest first so a later snapshot is applied after an earlier one.</summary>
    public IReadOnlyList<FileInfo> ReadyFiles(TimeSpan settleTime)
    {
        var folder = new DirectoryInfo(Path);
        if (!folder.Exists)
            throw new DirectoryNotFoundException($"the export folder '{folder.FullName}' does not exist");
        var now = clock.GetUtcNow().UtcDateTime;
        return folder.EnumerateFiles()
            .Where(f => !LooksTemporary(f.Name))
            .Where(f => now - f.LastWriteTimeUtc >= settleTime)
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Names used while a file is being downloaded, synced or edited, and hidden files.</summary>
    public static bool LooksTemporary(string name) =>
        name.StartsWith('.') || name.StartsWith("~$", StringComparison.Ordinal) ||
        TemporarySuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
}
