using System.Globalization;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Core.Reports;

/// <summary>A case in words, the same for the command line and chat: step titles, dates and amounts, never raw ids.</summary>
public static class CaseText
{
    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Heading(CaseLine c) =>
        $"{c.Client} ({c.Currency}): {c.Currency} {Money.Format(c.Overdue)} overdue on {Text.Counted.Of(c.Invoices.Count, "invoice")}";

    /// <param name="timeline">How many of the latest events to show (all when null).</param>
    public static IReadOnlyList<string> Lines(CaseLine c, ChaseLadder ladder, int? timeline = null, DateOnly? asOf = null)
    {
        string Title(string step) => ladder.Find(step)?.Title ?? step;
        var lines = new List<string>
        {
            "Stage: " + (c.Stage is null ? "nothing sent yet" : $"{Title(c.Stage)} ({(ladder.Find(c.Stage)?.Kind == StepKind.Proposal ? "approved" : "drafted")} {Day(c.StageOn!.Value)})") +
            (c.CaseId is null ? "" : $" · case opened {Day(c.OpenedOn!.Value)}"),
        };
        if (c.Invoices.Count > 0)
            lines.Add($"Overdue: {string.Join(", ", c.Invoices)}" + (c.ComingDue.Count > 0 ? $" · coming due: {string.Join(", ", c.ComingDue)}" : ""));
        if (c.Deadline is { } deadline)
            lines.Add($"Deadline given to the client: {Day(deadline)}" + (asOf is { } today && deadline < today ? " (passed)" : ""));
        lines.Add(c.PendingProposal is { } waiting
            ? $"Waiting for a decision: {Title(c.PendingStep!)} (proposal {waiting})"
            : c.NextStep is null ? "Next: nothing further on the ladder"
            : c.NextEarliest is { } on ? $"Next: {Title(c.NextStep)}, from {Day(on)}"
            : $"Next: {Title(c.NextStep)}, once the hold ends");
        foreach (var hold in c.Holds)
            lines.Add($"On hold: {hold.Invoice} is {hold.Reason}");
        var events = timeline is { } last ? c.Timeline.TakeLast(last) : c.Timeline;
        lines.AddRange(events.Select(e => $"{Day(e.On)} · {e.What}"));
        return lines;
    }

    /// <summary>A closed case: "Helios Solar Co (USD): closed 2 Jan 2027, settled", then its story.</summary>
    public static IReadOnlyList<string> Closed(ClosedCase c, int? timeline = null) =>
    [
        $"{c.Client} ({c.Currency}): case opened {Day(c.OpenedOn)}, closed {Day(c.ClosedOn)} ({c.Reason})" +
        (c.Invoices.Count == 0 ? "" : $" · invoices: {string.Join(", ", c.Invoices)}"),
        .. (timeline is { } last ? c.Timeline.TakeLast(last) : c.Timeline).Select(e => $"  {Day(e.On)} · {e.What}"),
    ];
}
