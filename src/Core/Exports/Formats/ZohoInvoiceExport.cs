namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// Zoho Invoice / Zoho Books invoice export: ~84 columns, one row per line item, ISO dates.
/// "Item Total" is a line amount and "Partial Payments" a gateway setting; neither is read.
/// </summary>
public static class ZohoInvoiceExport
{
    public static readonly ExportFormat Format = new()
    {
        Name = "zoho",
        DisplayName = "Zoho Invoice / Zoho Books invoice export",
        Source = "zoho",
        LineItems = LineItems.Repeated,
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Number] = ["Invoice Number"],
            [ExportField.Status] = ["Invoice Status"],
            [ExportField.Client] = ["Customer Name"],
            [ExportField.Email] = ["Email", "Customer Email"],
            [ExportField.IssueDate] = ["Invoice Date"],
            [ExportField.DueDate] = ["Due Date"],
            [ExportField.Currency] = ["Currency Code"],
            [ExportField.Total] = ["Total"],
            [ExportField.Balance] = ["Balance"],
        },
        Required = [ExportField.Number, ExportField.Status, ExportField.Client, ExportField.DueDate,
            ExportField.Total, ExportField.Balance],
        Statuses = new Dictionary<string, StatusHint>
        {
            ["draft"] = StatusHint.Draft,
            ["pending approval"] = StatusHint.Draft,
            ["approved"] = StatusHint.Open,
            ["sent"] = StatusHint.Open,
            ["viewed"] = StatusHint.Open,
            ["unpaid"] = StatusHint.Open,
            ["overdue"] = StatusHint.Open,
            ["partially paid"] = StatusHint.Open,
            ["paid"] = StatusHint.Paid,
            ["void"] = StatusHint.Void,
            ["written off"] = StatusHint.Void,
        },
    };
}
