namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// Stripe Dashboard › Invoices › Export. Columns are chosen by the user and have been renamed between
/// versions; timestamps are UTC; currency codes are lowercase. "Amount Due" is what the customer owes
/// before payments, "Amount Remaining" (when exported) what is still owed.
/// </summary>
public static class StripeInvoiceExport
{
    public static readonly ExportFormat Format = new()
    {
        Name = "stripe",
        DisplayName = "Stripe invoices export",
        Source = "stripe",
        WithoutDueDate = WithoutDueDate.DueOnIssue, // charged automatically
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Id] = ["id", "Invoice ID"],
            [ExportField.Number] = ["Number", "Invoice Number"],
            [ExportField.Client] = ["Customer Name", "Customer Description", "Customer Email", "Customer"],
            [ExportField.Email] = ["Customer Email"],
            [ExportField.IssueDate] = ["Date (UTC)", "Created (UTC)", "Finalized At (UTC)", "Date"],
            [ExportField.DueDate] = ["Due Date (UTC)", "Due Date"],
            [ExportField.Currency] = ["Currency"],
            [ExportField.Total] = ["Total"],
            [ExportField.Paid] = ["Amount Paid"],
            [ExportField.Balance] = ["Amount Remaining"],
            [ExportField.AmountDueBeforePayments] = ["Amount Due"],
            [ExportField.Status] = ["Status"],
            [ExportField.PaymentLink] = ["Hosted Invoice URL", "hosted_invoice_url"],
        },
        Required = [ExportField.Id, ExportField.Client, ExportField.Status, ExportField.Paid, ExportField.Currency],
        RequiredOneOf = [[ExportField.Total, ExportField.AmountDueBeforePayments]],
        Statuses = new Dictionary<string, StatusHint>
        {
            ["draft"] = StatusHint.Draft,
            ["open"] = StatusHint.Open,
            ["paid"] = StatusHint.Paid,
            // Marked uncollectible in Stripe, but still owed and still payable.
            ["uncollectible"] = StatusHint.Open,
            ["void"] = StatusHint.Void,
        },
    };
}
