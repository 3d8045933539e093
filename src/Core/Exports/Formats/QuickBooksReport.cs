namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// QuickBooks Online reports exported to CSV: Invoice List, Open Invoices and A/R Aging Detail.
/// A preamble (company, title, "As of ...") precedes the header; group rows, "Total for ..." rows, a TOTAL
/// row and a footer are mixed with the data; A/R Aging Detail starts with an empty column. There is no status
/// column: the open balance says whether an invoice is paid. Credit memos and payments are not invoices.
/// </summary>
public static class QuickBooksReport
{
    public static readonly ExportFormat Format = new()
    {
        Name = "quickbooks",
        DisplayName = "QuickBooks Online Invoice List / Open Invoices / A/R Aging Detail report",
        Source = "quickbooks",
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.IssueDate] = ["Date", "Transaction date", "Invoice date"],
            [ExportField.Type] = ["Transaction type", "Type"],
            [ExportField.Number] = ["Num", "No.", "Number", "Invoice no."],
            [ExportField.Client] = ["Name", "Customer", "Customer full name", "Customer name", "Customer/Project"],
            [ExportField.DueDate] = ["Due date"],
            [ExportField.Total] = ["Amount", "Total", "Total amount", "Orig. amount"],
            [ExportField.Balance] = ["Open balance", "Balance", "Open bal."],
            [ExportField.Currency] = ["Currency"],
            [ExportField.Email] = ["Email", "Customer email"],
        },
        // Open Invoices groups rows under a customer row instead of naming the customer on each line.
        Required = [ExportField.Type, ExportField.Number, ExportField.DueDate, ExportField.Balance],
        IsInvoiceType = type => ExportHeader.Normalize(type) == "invoice",
    };
}
