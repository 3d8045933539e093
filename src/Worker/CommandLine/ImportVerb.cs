using ChaseBot.Core.Exports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker.CommandLine;

internal static class ImportVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        if (ReadSettings(arguments, services.GetRequiredService<IOptions<ExportOptions>>().Value, out var error) is not { } settings)
            return WorkerCommandLine.UsageError(stderr, arguments, error!);

        var path = arguments.Get(arguments.Cli.Path);
        FolderImportResult result;
        if (Directory.Exists(path))
            result = await services.GetRequiredService<FolderImport>()
                .ImportAsync(path, settings, TimeSpan.Zero, quietlySkip: null, cancellationToken);
        else if (File.Exists(path))
            result = new FolderImportResult([await services.GetRequiredService<ExportImporter>().ImportFileAsync(path, settings, cancellationToken)], []);
        else
        {
            await stderr.WriteLineAsync($"error: there is no file or folder '{path}'");
            return ExitCode.Refused;
        }

        if (result.Empty)
            await stderr.WriteLineAsync($"no files in '{path}'");
        if (arguments.Json)
        {
            foreach (var summary in result.Imports)
                await stdout.WriteLineAsync(SummaryText.Json(summary));
            foreach (var skipped in result.Skipped)
                await stdout.WriteLineAsync(SummaryText.Json(skipped));
        }
        else
            await stdout.WriteAsync(SummaryText.Human(result));
        return Outcome(result);
    }

    /// <summary>Failed when a file could not be imported for a reason that may pass (the database), refused when one was refused whole.</summary>
    internal static ExitCode Outcome(FolderImportResult result) =>
        result.Imports.Any(s => s.Failed) ? ExitCode.Failed : result.Imports.Any(s => s.Refused) ? ExitCode.Refused : ExitCode.Done;

    /// <summary>Configuration with the command line's overrides; null with a reason when an override is bad.</summary>
    internal static ImportSettings? ReadSettings(VerbInput arguments, ExportOptions options, out string? error)
    {
        error = null;
        var cli = arguments.Cli;
        var settings = ImportSettings.From(options) with { FormatName = arguments.Get(cli.Format) };
        // Both were checked by the parser (dmy, mdy or auto; 0 to 365 days).
        if (arguments.Get(cli.DateOrder) is { } order)
            settings = settings with { DateOrder = ExportOptions.ParseDateOrder(order)!.Value };
        if (arguments.Get(cli.PaymentTermDays) is { } days)
            settings = settings with { PaymentTermDays = days };
        try
        {
            settings.Formats(); // An unknown --format is a usage error, not a refused file.
        }
        catch (ExportRefusedException e)
        {
            error = e.Message;
            return null;
        }
        return settings;
    }
}
