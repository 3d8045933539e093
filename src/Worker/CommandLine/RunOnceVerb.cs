using ChaseBot.Core.Exports;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker.CommandLine;

/// <summary>The main job once, in the foreground: import the export folder, then show the ledger.</summary>
internal static class RunOnceVerb
{
    public static async Task<int> RunAsync(ParsedArguments arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        if (arguments.Positionals.Count > 0)
            return WorkerCommandLine.UsageError(stderr, "run-once takes no arguments (the folder is --folder or Exports:Folder)");
        if (!WorkerCommandLine.TryAsOf(arguments, services, out var asOf))
            return WorkerCommandLine.UsageError(stderr, $"--as-of is '{arguments["as-of"]}'; expected a date like 2026-11-30");
        var options = services.GetRequiredService<IOptions<ExportOptions>>().Value;
        if (ImportVerb.ReadSettings(arguments, options, out var error) is not { } settings)
            return WorkerCommandLine.UsageError(stderr, error!);
        if (!Directory.Exists(options.Folder))
        {
            await stderr.WriteLineAsync($"error: the export folder '{Path.GetFullPath(options.Folder)}' does not exist " +
                                        "(set Exports:Folder or pass --folder)");
            return 2;
        }

        await stdout.WriteLineAsync($"Importing exports from {options.Folder}");
        // A person asked for this run: read every file now (no settle time) and say what became of each.
        var summaries = await services.GetRequiredService<FolderImport>()
            .ImportAsync(options.Folder, settings, TimeSpan.Zero, quietlySkip: null, cancellationToken);
        foreach (var summary in summaries)
            await stdout.WriteAsync(SummaryText.Human(summary));
        await stdout.WriteLineAsync();

        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        var report = await LedgerStatus.RunAsync(db, new LedgerStatus.Query(asOf), cancellationToken);
        await stdout.WriteAsync(StatusVerb.Human(report!));
        return 0;
    }
}
