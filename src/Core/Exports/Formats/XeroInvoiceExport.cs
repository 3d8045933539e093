namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// Xero, Business › Invoices › Export. One row per line item with the invoice columns repeated;
/// credit notes and overpayments share the file. Dates follow the organisation's locale.
/// </summary>
public static class XeroInvoiceExport
{
    public static readonly ExportFormat Format = new()
    {
        Name = "xero",
        DisplayName = "Xero invoice export",
        Source = "xero",
        LineItems = LineItems.Repeated,
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Client] = ["ContactName"],
            [ExportField.Email] = ["EmailAddress"],
            [ExportField.Country] = ["POCountry", "SACountry"],
            [ExportField.Number] = ["InvoiceNumber"],
            [ExportField.IssueDate] = ["InvoiceDate"],
            [ExportField.DueDate] = ["DueDate"],
            [ExportField.Total] = ["Total"],
            [ExportField.Paid] = ["InvoiceAmountPaid", "AmountPaid"],
            [ExportField.Balance] = ["InvoiceAmountDue", "AmountDue"],
            [ExportField.Currency] = ["Currency"],
            [ExportField.Type] = ["Type"],
            [ExportField.Status] = ["Status"],
        },
        Required = [ExportField.Client, ExportField.Number, ExportField.DueDate, ExportField.Total, ExportField.Balance],
        Statuses = new Dictionary<string, StatusHint>
        {
            ["draft"] = StatusHint.Draft,
            ["awaiting approval"] = StatusHint.Draft,
            ["submitted for approval"] = StatusHint.Draft,
            ["submitted"] = StatusHint.Draft,
            ["awaiting payment"] = StatusHint.Open,
            ["approved"] = StatusHint.Open,
            ["authorised"] = StatusHint.Open,
            ["paid"] = StatusHint.Paid,
            ["voided"] = StatusHint.Void,
            ["void"] = StatusHint.Void,
            ["deleted"] = StatusHint.Void,
        },
        // Sales credit notes, overpayments, prepayments and bills (money we owe) are not receivables.
        IsInvoiceType = type =>
        {
            var t = ExportHeader.Normalize(type);
            return t is "sales invoice" or "accrec" or "invoice";
        },
    };

    /// <summary>
    /// Xero's import template looks like an export but marks required columns with '*' and has no amounts
    /// paid or due: it is the file people fill in, not the one that says who owes what.
    /// </summary>
    public static readonly ExportFormat ImportTemplate = new()
    {
        Name = "xero-import-template",
        DisplayName = "Xero invoice import template",
        Source = "xero",
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Client] = ["*ContactName"],
            [ExportField.Number] = ["*InvoiceNumber"],
        },
        Required = [ExportField.Client, ExportField.Number],
        RefuseBecause =
            "this is Xero's invoice import template (columns marked '*', no amounts paid or due), not an export. " +
            "In Xero, open Business › Invoices, select the invoices and choose Export.",
    };
}
