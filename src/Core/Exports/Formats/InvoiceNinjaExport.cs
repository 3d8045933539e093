namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// Invoice Ninja. v4 writes banner lines ("Invoice Ninja v4.5.17 - ...", blank, "INVOICES") before a fixed
/// header, amounts like "$13.50", one row per item. v5 lets the user choose (and translate) the columns,
/// and has a balance.
/// </summary>
public static class InvoiceNinjaExport
{
    private static readonly Dictionary<string, StatusHint> Statuses = new()
    {
        ["draft"] = StatusHint.Draft,
        ["sent"] = StatusHint.Open,
        ["viewed"] = StatusHint.Open,
        ["approved"] = StatusHint.Open,
        ["partial"] = StatusHint.Open,
        ["unpaid"] = StatusHint.Open,
        ["overdue"] = StatusHint.Open,
        ["paid"] = StatusHint.Paid,
        ["cancelled"] = StatusHint.Void,
        ["reversed"] = StatusHint.Void,
    };

    public static readonly ExportFormat V4 = new()
    {
        Name = "invoiceninja-v4",
        DisplayName = "Invoice Ninja v4 invoice export",
        Source = "invoiceninja",
        LineItems = LineItems.Repeated,
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Client] = ["Client"],
            [ExportField.Email] = ["Email"],
            [ExportField.Number] = ["Invoice Number"],
            [ExportField.Total] = ["Amount"],
            [ExportField.Paid] = ["Paid"],
            [ExportField.Status] = ["Status"],
            [ExportField.IssueDate] = ["Invoice Date"],
            [ExportField.DueDate] = ["Due Date"],
        },
        Required = [ExportField.Client, ExportField.Number, ExportField.Total, ExportField.Paid,
            ExportField.Status, ExportField.DueDate],
        Statuses = Statuses,
    };

    public static readonly ExportFormat V5 = new()
    {
        Name = "invoiceninja-v5",
        DisplayName = "Invoice Ninja v5 invoice export",
        Source = "invoiceninja",
        LineItems = LineItems.Repeated,
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Number] = ["number", "invoice.number", "Invoice Number"],
            [ExportField.Client] = ["client", "client.name", "Client Name", "Client"],
            [ExportField.Email] = ["client.email", "Email"],
            [ExportField.IssueDate] = ["date", "invoice.date", "Invoice Date", "Date"],
            [ExportField.DueDate] = ["due_date", "invoice.due_date", "Due Date"],
            [ExportField.Total] = ["amount", "invoice.amount", "Amount"],
            [ExportField.Balance] = ["balance", "invoice.balance", "Balance"],
            [ExportField.Paid] = ["paid_to_date", "invoice.paid_to_date", "Paid to Date"],
            [ExportField.Status] = ["status", "invoice.status", "Status"],
            [ExportField.Currency] = ["currency", "invoice.currency", "client.currency", "Currency"],
        },
        Required = [ExportField.Number, ExportField.Client, ExportField.DueDate, ExportField.Total, ExportField.Balance],
        Statuses = Statuses,
    };
}
