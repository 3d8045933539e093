using Microsoft.Extensions.Configuration;

namespace ChaseBot.Worker.CommandLine;

internal static class WorkerConfiguration
{
    /// <summary>
    /// appsettings.json beside the program, then environment variables (Exports__Folder=...), then what the command
    /// line says (--db, --set Key=Value). Secrets belong in the environment, never in the file.
    /// </summary>
    public static IConfigurationRoot Build(VerbInput arguments, IDictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>(arguments.Settings);
        if (arguments.Get(arguments.Cli.Db) is { } db)
        {
            overrides["Database:Provider"] = "Sqlite";
            overrides["ConnectionStrings:Chase"] = $"Data Source={db}";
        }
        if (arguments.Get(arguments.Cli.Folder) is { } folder)
            overrides["Exports:Folder"] = folder;
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(extra ?? new Dictionary<string, string?>())
            .AddInMemoryCollection(overrides)
            .Build();
    }
}
