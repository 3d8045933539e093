using System.Globalization;
using System.Text;

namespace ChaseBot.Core.Reports;

/// <summary>
/// Writes CSV for people who open it in a spreadsheet. Text taken from exports (client names, invoice numbers) may be
/// hostile: a cell beginning with = + - @ (or a tab or carriage return) is run as a formula by Excel, LibreOffice and
/// Google Sheets. Such text cells are prefixed with an apostrophe, which spreadsheets show as plain text (OWASP's
/// advice for CSV injection). Numbers ChaseBot formats itself are written as they are.
/// </summary>
public static class SpreadsheetCsv
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>
    /// A text cell, neutralised and quoted as RFC 4180 requires, and quoted too when it holds a semicolon or a tab: a
    /// spreadsheet set to split on those would otherwise start a new cell there ("Acme;=1+2"), one a formula.
    /// </summary>
    public static string Text(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && FormulaStarts.Contains(text[0]))
            text = "'" + text;
        return text.IndexOfAny([',', ';', '\t', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    public static string Number(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Line(params string[] cells) => string.Join(',', cells);

    /// <summary>The status report's invoices, one row each, with a header.</summary>
    public static string Status(LedgerStatusReport report)
    {
        var csv = new StringBuilder();
        csv.Append("number,source,client,currency,total,paid,due,due_date,status,days_overdue,missing\r\n");
        foreach (var i in report.Invoices)
            csv.Append(Line(Text(i.Number), Text(i.Source), Text(i.Client), Text(i.Currency), Number(i.Total), Number(i.Paid), Number(i.Due),
                i.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(i.Status),
                i.DaysOverdue.ToString(CultureInfo.InvariantCulture), i.Missing ? "yes" : "no")).Append("\r\n");
        return csv.ToString();
    }
}
