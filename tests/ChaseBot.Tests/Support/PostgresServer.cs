using System.Diagnostics;
using Npgsql;

namespace ChaseBot.Tests.Support;

/// <summary>
/// A real PostgreSQL on 127.0.0.1 for the tests that need one whatever the provider pass (the Quartz cluster): the
/// server in CHASEBOT_TEST_POSTGRES if CI started one, or else one this test run starts with tests/postgres/start.sh
/// (which needs the apt package postgresql) and stops when it ends.
/// </summary>
public static class PostgresServer
{
    private const int OwnPort = 55433;
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>A fresh, empty database on the server; dropped when the returned handle is disposed.</summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        var database = await NameDatabaseAsync();
        await database.CreateAsync();
        return database;
    }

    /// <summary>A database name on the server, not created yet (for a process that starts before its database exists).</summary>
    public static async Task<PostgresDatabase> NameDatabaseAsync() =>
        new(await Server.Value, "chasebot_cluster_" + Guid.NewGuid().ToString("N")[..16]);

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("CHASEBOT_TEST_POSTGRES") is { Length: > 0 } given)
            return given;
        var script = Path.Combine(Samples.RepositoryRoot, "tests", "postgres");
        var own = $"Host=127.0.0.1;Port={OwnPort};Username=chasebot;Database=postgres;Pooling=true";
        try
        {
            // Left running by an earlier run that could not stop it: use it (this run stops it).
            await using var earlier = new NpgsqlConnection(own + ";Timeout=2");
            await earlier.OpenAsync();
            RegisterStop(script);
            return own;
        }
        catch (NpgsqlException) { /* none yet: start one */ }
        var start = Process.Start(new ProcessStartInfo("bash", [Path.Combine(script, "start.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["PGPORT_TEST"] = OwnPort.ToString() },
        })!;
        var output = await start.StandardOutput.ReadToEndAsync();
        var error = await start.StandardError.ReadToEndAsync();
        await start.WaitForExitAsync();
        if (start.ExitCode != 0)
            throw new InvalidOperationException(
                "These tests need a PostgreSQL server: install the apt package postgresql (.ci/run does), or set " +
                $"CHASEBOT_TEST_POSTGRES to a server's connection string. tests/postgres/start.sh said: {error.Trim()}");
        RegisterStop(script);
        return output.Trim();
    }

    private static void RegisterStop(string script) => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        Process.Start("bash", [Path.Combine(script, "stop.sh"), OwnPort.ToString()])?.WaitForExit(15_000);
}

public sealed class PostgresDatabase(string server, string name) : IAsyncDisposable
{
    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();

    public async Task CreateAsync()
    {
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
