using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Tests.Exports;

public sealed class ExportDateTests
{
    [Theory]
    [InlineData("2026-01-19", DateOrder.Unknown, "2026-01-19")]
    [InlineData("2026-01-19 10:00:00", DateOrder.Unknown, "2026-01-19")]
    [InlineData("2026-01-19T23:30:00Z", DateOrder.Unknown, "2026-01-19")]
    [InlineData("Jan 19 2026", DateOrder.Unknown, "2026-01-19")]
    [InlineData("Jan 19, 2026", DateOrder.Unknown, "2026-01-19")]
    [InlineData("19 Jan 2026", DateOrder.Unknown, "2026-01-19")]
    [InlineData("19-Jan-26", DateOrder.Unknown, "2026-01-19")]
    [InlineData("January 19, 2026", DateOrder.Unknown, "2026-01-19")]
    [InlineData("1/19/2026", DateOrder.MonthFirst, "2026-01-19")]
    [InlineData("19/01/2026", DateOrder.DayFirst, "2026-01-19")]
    [InlineData("19.01.2026", DateOrder.DayFirst, "2026-01-19")]
    [InlineData("03/04/2026", DateOrder.DayFirst, "2026-04-03")]
    [InlineData("03/04/2026", DateOrder.MonthFirst, "2026-03-04")]
    [InlineData("5/5/2026", DateOrder.Unknown, "2026-05-05")]
    public void Reads_the_dates_exports_write(string raw, DateOrder order, string expected)
    {
        Assert.True(ExportDate.TryParse(raw, order, out var date));
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
    }

    [Theory]
    [InlineData("03/04/2026")]
    [InlineData("1/2/2026")]
    public void Never_guesses_between_day_first_and_month_first(string raw) =>
        Assert.False(ExportDate.TryParse(raw, DateOrder.Unknown, out _));

    [Theory]
    [InlineData("31/02/2026", DateOrder.DayFirst)]
    [InlineData("13/13/2026", DateOrder.DayFirst)]
    [InlineData("not a date", DateOrder.DayFirst)]
    [InlineData("19/01/2026", DateOrder.MonthFirst)]
    public void Rejects_impossible_dates(string raw, DateOrder order) =>
        Assert.False(ExportDate.TryParse(raw, order, out _));

    [Theory]
    [InlineData("19/01/2026", DateEvidence.DayFirst)]
    [InlineData("1/19/2026", DateEvidence.MonthFirst)]
    [InlineData("03/04/2026", DateEvidence.Either)]
    [InlineData("04/04/2026", DateEvidence.Unambiguous)]
    [InlineData("2026-04-03", DateEvidence.Unambiguous)]
    [InlineData("Accrual Basis Saturday, November 21, 2026 09:14 AM GMT-05:00", DateEvidence.Invalid)]
    public void Says_what_a_date_tells_about_the_files_order(string raw, DateEvidence evidence) =>
        Assert.Equal(evidence, ExportDate.Observe(raw));
}
