using System.Globalization;
using System.Text;
using System.Text.Json;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Worker.CommandLine;

/// <summary>`cases [client]`: where every client's collection stands, what comes next and when, and what happened.</summary>
internal static class CasesVerb
{
    public static async Task<ExitCode> RunAsync(VerbInput arguments, IServiceProvider services, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        var asOf = WorkerCommandLine.AsOf(arguments, services);
        var settings = services.GetRequiredService<ChaseSettings>();
        await using var db = await services.GetRequiredService<IDbContextFactory<ChaseDbContext>>().CreateDbContextAsync(cancellationToken);
        long? clientId = null;
        if (arguments.Words(arguments.Cli.Client) is { } name)
        {
            clientId = await LedgerStatus.FindClientAsync(db, name, cancellationToken);
            if (clientId is null)
            {
                var suggestions = await LedgerStatus.SuggestionsAsync(db, name, cancellationToken);
                await stderr.WriteLineAsync($"No client matches '{name}'." +
                                            (suggestions.Count > 0 ? $" Did you mean: {string.Join(", ", suggestions)}?" : ""));
                return ExitCode.Refused;
            }
        }
        var cases = await CaseReport.RunAsync(db, settings, asOf, clientId, cancellationToken);
        var closed = arguments.All ? await CaseReport.ClosedAsync(db, settings, clientId, cancellationToken) : [];
        if (arguments.Json)
        {
            await stdout.WriteLineAsync(Json(cases, closed));
            return ExitCode.Done;
        }
        if (cases.Count == 0)
            await stdout.WriteLineAsync($"Nothing overdue as of {asOf:yyyy-MM-dd}: no client has an open collection case." +
                                        (arguments.All || clientId is not null ? "" : " (cases --all lists closed ones)"));
        var text = new StringBuilder();
        foreach (var c in cases)
        {
            text.AppendLine(CaseText.Heading(c));
            foreach (var line in CaseText.Lines(c, settings.Ladder, asOf: asOf))
                text.AppendLine("  " + line);
            text.AppendLine();
        }
        if (closed.Count > 0)
        {
            text.AppendLine($"Closed ({closed.Count}):");
            foreach (var c in closed)
            {
                foreach (var line in CaseText.Closed(c))
                    text.AppendLine(line);
                text.AppendLine();
            }
        }
        await stdout.WriteAsync(text.ToString());
        return ExitCode.Done;
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Json(IReadOnlyList<CaseLine> cases, IReadOnlyList<ClosedCase>? closed = null) => JsonSerializer.Serialize(cases.Select(c => (object)new
    {
        client = c.Client,
        currency = c.Currency,
        opened = Day(c.OpenedOn),
        stage = c.Stage,
        stageOn = Day(c.StageOn),
        pendingProposal = c.PendingProposal,
        nextStep = c.NextStep,
        nextEarliest = Day(c.NextEarliest),
        deadline = Day(c.Deadline),
        invoices = c.Invoices,
        comingDue = c.ComingDue,
        overdue = new Dictionary<string, decimal> { [c.Currency] = c.Overdue },
        holds = c.Holds.Select(h => new { invoice = h.Invoice, kind = h.Kind, reason = h.Reason, until = Day(h.Until) }),
        timeline = c.Timeline.Select(e => new { on = Day(e.On), what = e.What }),
    }).Concat((closed ?? []).Select(c => (object)new
    {
        client = c.Client,
        currency = c.Currency,
        opened = Day(c.OpenedOn),
        closedOn = Day(c.ClosedOn),
        closedReason = c.Reason,
        invoices = c.Invoices,
        timeline = c.Timeline.Select(e => new { on = Day(e.On), what = e.What }),
    })), SummaryText.JsonOptions);
}
