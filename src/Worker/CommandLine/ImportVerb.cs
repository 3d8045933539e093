using ChaseBot.Core.Exports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChaseBot.Worker.CommandLine;

internal static class ImportVerb
{
    public static async Task<ExitCode> RunAsync(ParsedArguments arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        if (arguments.Positionals.Count != 1)
            return WorkerCommandLine.UsageError(stderr, arguments, "import takes one file or folder");
        if (ReadSettings(arguments, services.GetRequiredService<IOptions<ExportOptions>>().Value, out var error) is not { } settings)
            return WorkerCommandLine.UsageError(stderr, arguments, error!);

        var path = arguments.Positionals[0];
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
        if (arguments.Flags.Contains("json"))
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
    internal static ImportSettings? ReadSettings(ParsedArguments arguments, ExportOptions options, out string? error)
    {
        error = null;
        var settings = ImportSettings.From(options) with { FormatName = arguments["format"] };
        if (arguments["date-order"] is { } order)
        {
            if (ExportOptions.ParseDateOrder(order) is not { } parsed)
            {
                error = $"--date-order is '{order}'; expected dmy, mdy or auto";
                return null;
            }
            settings = settings with { DateOrder = parsed };
        }
        if (arguments["payment-term-days"] is { } term)
        {
            if (!int.TryParse(term, out var days) || days is < 0 or > 365)
            {
                error = $"--payment-term-days is '{term}'; expected a number of days from 0 to 365";
                return null;
            }
            settings = settings with { PaymentTermDays = days };
        }
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
