using System.Text.Json;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>`report [--as-of] [--json] [--png FILE]`: how collection is going, in the figures docs/figures.md defines, and its picture.</summary>
internal static class ReportVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        var asOf = WorkerCommandLine.AsOf(arguments, services);
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        var figures = await CollectionFigures.RunAsync(db, asOf, cancellationToken);
        if (arguments.Json)
            await stdout.WriteLineAsync(Json(figures));
        else
        {
            await stdout.WriteLineAsync($"Collection figures as of {asOf:ddd d MMM yyyy}");
            foreach (var line in FiguresText.Lines(figures))
                await stdout.WriteLineAsync(line);
        }
        if (arguments.Get(arguments.Cli.Png) is { } png)
        {
            var chart = await AgingChart.RunAsync(db, asOf, cancellationToken);
            var path = Path.GetFullPath(png);
            await File.WriteAllBytesAsync(path, ChartPicture.Png(chart), cancellationToken);
            // With --json, standard output is the JSON alone; where the picture went is said on standard error.
            await (arguments.Json ? stderr : stdout).WriteLineAsync($"Chart: {path}");
        }
        return ExitCode.Done;
    }

    /// <summary>The shape docs/figures.md documents: amounts and ratios as numbers, a figure that cannot be worked out as null.</summary>
    public static string Json(CollectionFigures f) => JsonSerializer.Serialize(new
    {
        asOf = f.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        currencies = f.Currencies.Select(c => new
        {
            currency = c.Currency, receivables = c.Receivables, overdue = c.Overdue, overdueShare = c.OverdueShare, dso = c.Dso, cei = c.Cei,
            buckets = new
            {
                current = c.Buckets.Current, d1_30 = c.Buckets.Days1To30, d31_60 = c.Buckets.Days31To60, d61_90 = c.Buckets.Days61To90,
                d90plus = c.Buckets.Over90,
            },
        }),
        promises = new { kept = f.PromisesKept, broken = f.PromisesBroken },
        clients = f.Clients.Select(c => new { client = c.Client, averageDaysLate = c.AverageDaysLate, onTimeRate = c.OnTimeRate, paidInvoices = c.PaidInvoices }),
    }, SummaryText.JsonOptions);
}
