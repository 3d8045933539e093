using System.Globalization;
using System.Text.Json;
using ChaseBot.Core.Chasing;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>What the chase would do, without sending or changing anything: the ladder previewed on your own data.</summary>
internal static class PlanVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        var plan = await services.GetRequiredService<ChaseRunner>().PlanAsync(arguments.Get(arguments.Cli.AsOf), cancellationToken);
        if (arguments.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(plan.Select(e => new
            {
                invoice = e.Invoice, invoices = e.Invoices, client = e.Client, step = e.Step, kind = e.Kind, reason = e.Reason,
                sendAt = e.SendAt?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            }), SummaryText.JsonOptions));
            return ExitCode.Done;
        }
        if (plan.Count == 0)
        {
            await stdout.WriteLineAsync("Nothing to do: no reminder or proposal is due.");
            return ExitCode.Done;
        }
        var zone = services.GetRequiredService<ChaseSettings>().Calendar.Zone;
        var ladder = services.GetRequiredService<ChaseSettings>().Ladder;
        var table = new TextTable("Client", "Invoices", "Step", "Kind", "Sent at", "Why");
        foreach (var e in plan)
            table.Add(e.Client, e.Invoices.Count <= 3 ? string.Join(", ", e.Invoices) : $"{string.Join(", ", e.Invoices.Take(2))} and {e.Invoices.Count - 2} more", e.Step is null ? "" : ladder.Find(e.Step)?.Title ?? e.Step, e.Kind,
                e.SendAt is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "",
                e.Reason);
        await stdout.WriteAsync(table.ToString());
        return ExitCode.Done;
    }
}
