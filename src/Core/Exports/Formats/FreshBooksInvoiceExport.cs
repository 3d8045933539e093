namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// FreshBooks invoice export: one row per line item, no due date and no balance. The due date comes from a
/// configured payment term (Exports:FreshBooks:PaymentTermDays or --payment-term-days); without one the
/// file is refused rather than guessed. The invoice total is the sum of its line totals.
/// </summary>
public static class FreshBooksInvoiceExport
{
    public static readonly ExportFormat Format = new()
    {
        Name = "freshbooks",
        DisplayName = "FreshBooks invoice export (needs a payment term)",
        Source = "freshbooks",
        LineItems = LineItems.Summed,
        WithoutDueDate = WithoutDueDate.PaymentTermAfterIssue,
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Client] = ["Client Name", "Client", "Organization"],
            [ExportField.Number] = ["Invoice #", "Invoice Number"],
            [ExportField.IssueDate] = ["Date Issued", "Issue Date", "Invoice Date"],
            [ExportField.Status] = ["Invoice Status", "Status"],
            [ExportField.LineAmount] = ["Line Total", "Line Amount"],
            [ExportField.Currency] = ["Currency"],
            [ExportField.DueDate] = ["Due Date", "Date Due"],
            [ExportField.Balance] = ["Outstanding", "Balance", "Amount Due"],
        },
        Required = [ExportField.Client, ExportField.Number, ExportField.IssueDate, ExportField.Status,
            ExportField.LineAmount],
        MustNotHave = [ExportField.DueDate, ExportField.Balance],
        Statuses = new Dictionary<string, StatusHint>
        {
            ["draft"] = StatusHint.Draft,
            ["sent"] = StatusHint.Open,
            ["viewed"] = StatusHint.Open,
            ["overdue"] = StatusHint.Open,
            ["partial"] = StatusHint.Open,
            ["disputed"] = StatusHint.Open,
            ["paid"] = StatusHint.Paid,
            ["auto-paid"] = StatusHint.Paid,
        },
    };
}
