using System.Globalization;
using System.Text.Json;
using ChaseBot.Core.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary><c>sync</c> and <c>sources</c>: the connected books, synced now, and how fresh each one is.</summary>
internal static class SourcesVerbs
{
    public static async Task<ExitCode> SyncAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        var sources = services.GetRequiredService<ConnectedSources>();
        var only = arguments.Get(arguments.Cli.Source);
        if (only is not null && sources.Find(only) is null)
            return WorkerCommandLine.UsageError(stderr, arguments,
                $"--source is '{only}'; ChaseBot syncs {string.Join(", ", sources.Known.Select(k => k.Source))}");
        if (only is not null ? !sources.IsConnected(only) : !sources.AnyConnected)
        {
            await stderr.WriteLineAsync($"error: {(only is null ? "no source is" : only + " is not")} connected: set Sources:Stripe:ApiKey " +
                                        "to a restricted key with read access to invoices, credit notes and events, or run `connect xero` " +
                                        "(see docs/books.md)");
            return ExitCode.Refused;
        }
        var results = await sources.SyncAsync(Environment.UserName, only, cancellationToken);
        foreach (var result in results)
        {
            var name = sources.Find(result.Source)!.DisplayName;
            if (result.Summary is not { Failed: false } s)
            {
                await stdout.WriteLineAsync($"{name}: not synced — {result.Problem ?? result.Summary?.Message}");
                continue;
            }
            await stdout.WriteLineAsync($"{name}: {Core.Text.Counted.Of(s.Rows, "invoice")} read: {s.Created} new, {s.Updated} updated, " +
                                        $"{s.Unchanged} unchanged" + (s.FlaggedMissing > 0 ? $", {s.FlaggedMissing} flagged missing" : ""));
            foreach (var row in s.Rejected.Take(20))
                await stdout.WriteLineAsync($"  rejected: {row.Reason}");
            foreach (var warning in s.Warnings)
                await stdout.WriteLineAsync($"  warning: {warning}");
        }
        return results.Any(r => r.Summary is not { Failed: false }) ? ExitCode.Failed : ExitCode.Done;
    }

    public static async Task<ExitCode> ListAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        var states = await services.GetRequiredService<ConnectedSources>().StatesAsync(cancellationToken);
        if (arguments.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(states.Select(s => new
            {
                source = s.Source, connected = s.Connected, organisation = s.Organisation, lastSync = Utc(s.LastSync), asOf = Utc(s.AsOf), stale = s.Stale,
                callsLeftToday = s.CallsLeftToday, problem = s.Problem,
            }), SummaryText.JsonOptions));
            return ExitCode.Done;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var table = new TextTable("Source", "Connected", "Last sync", "Facts as of", "Calls left today", "Problem");
        foreach (var s in states)
            table.Add(s.Name, s.Connected ? s.Organisation ?? "yes" : "no", s.LastSync is { } at ? ConnectedSources.Ago(now - at) : "never",
                s.AsOf is { } asOf ? asOf.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) + (s.Stale ? " (too old to send on)" : "") : "",
                s.Budget is null ? "" : s.Budget.Replace(" calls left today", ""),
                s.Problem ?? (s.Stale ? "no recent sync: nothing is sent to its clients until one" : ""));
        await stdout.WriteAsync(table.ToString());
        return ExitCode.Done;
    }

    private static string? Utc(DateTime? at) => at?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

}
