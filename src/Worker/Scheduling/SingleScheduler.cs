using ChaseBot.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace ChaseBot.Worker.Scheduling;

/// <summary>
/// With SQLite, only one Worker may schedule jobs against a database file: Quartz's in-memory store cannot see another
/// process's triggers, so two would run every job twice. An exclusive lock on "&lt;database&gt;.scheduler.lock",
/// held for the Worker's lifetime (and released by the OS if it dies), refuses the second with a reason.
/// </summary>
internal static class SingleScheduler
{
    public static IDisposable? TryAcquire(IConfiguration configuration, out string? refusal)
    {
        refusal = null;
        if (DatabaseOptions.From(configuration).Provider != DatabaseProvider.Sqlite)
            return null; // PostgreSQL: Quartz's clustered store coordinates several Workers.
        var file = DatabaseOptions.SqliteFile(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName));
        if (file is null)
            return null;
        var lockPath = file + ".scheduler.lock";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            refusal = $"Another Worker is already running the scheduler on {Path.GetFullPath(file)}. With SQLite only one may " +
                      "(two would run every job twice); stop the other, or use PostgreSQL (Database:Provider=Postgres) to run several.";
            return null;
        }
    }
}
