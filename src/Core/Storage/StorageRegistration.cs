using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers a <see cref="ChaseDbContext"/> factory for the configured provider.
    /// Reads Database:Provider (Sqlite | Postgres) and ConnectionStrings:Chase.
    /// </summary>
    public static IServiceCollection AddChaseStorage(this IServiceCollection services, IConfiguration configuration)
    {
        // Bound when first resolved, not now: hosts (and test hosts) may still be adding configuration.
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        // Pooled: a chat command or a job step takes a context for a query or two, and building one each time showed in
        // the Bot's profile under load. A pooled context is reset between uses, so it carries nothing from one to the next.
        services.AddPooledDbContextFactory<ChaseDbContext>((sp, db) =>
        {
            var settings = sp.GetRequiredService<IConfiguration>();
            var options = sp.GetRequiredService<DatabaseOptions>();
            var connectionString = settings.GetConnectionString(DatabaseOptions.ConnectionStringName);
            if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
                throw new SettingsException(
                    "Database:Provider is Postgres but ConnectionStrings:Chase is empty. " +
                    "Set it, e.g. ConnectionStrings__Chase=\"Host=127.0.0.1;Database=chasebot;Username=chasebot;Password=...\".");
            Configure(db, options, connectionString);
        });
        services.AddSingleton(sp => new LedgerChanges(sp.GetRequiredService<IDbContextFactory<ChaseDbContext>>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static void Configure(DbContextOptionsBuilder db, DatabaseOptions options, string? connectionString)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                db.UseNpgsql(connectionString);
                break;
            default:
                var sqlite = new SqliteConnectionStringBuilder(DatabaseOptions.SqliteConnectionString(connectionString))
                {
                    DefaultTimeout = options.BusyTimeoutSeconds,
                };
                db.UseSqlite(sqlite.ToString());
                db.AddInterceptors(new SqliteSharingPragmas(options.BusyTimeoutSeconds));
                break;
        }

        // There is no model snapshot: migrations are written by hand and provider-neutral (Migrations/README.md).
        // MigrationSchemaTests compares the schema the migrations build with the one the model describes, on both
        // providers, which is the check this warning makes.
        db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>
    /// Bot and Worker share one SQLite file on a host: wait for the other's write lock rather than fail,
    /// and use the fsync level that is safe in WAL mode. Both settings belong to the connection SQLite opened, which the
    /// pool hands out again and again: they are set once for each, not on every open (a chat request opens one).
    /// </summary>
    private sealed class SqliteSharingPragmas(int busyTimeoutSeconds) : DbConnectionInterceptor
    {
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _applied = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } handle } && !_applied.TryAdd(handle, this))
                return;
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutSeconds * 1000}; PRAGMA synchronous = NORMAL;";
            command.ExecuteNonQuery();
        }
    }
}
