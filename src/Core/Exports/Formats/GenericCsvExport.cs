namespace ChaseBot.Core.Exports.Formats;

/// <summary>
/// Anything else, described by the user in configuration:
/// Exports:Generic:Columns:{Number|Client|Email|IssueDate|DueDate|Currency|Total|Paid|Balance|Status|PaymentLink|Country} = header name.
/// Number, Client and DueDate are required, and a Total or a Balance.
/// </summary>
public static class GenericCsvExport
{
    private static readonly Dictionary<string, StatusHint> CommonStatuses = new()
    {
        ["draft"] = StatusHint.Draft,
        ["open"] = StatusHint.Open,
        ["sent"] = StatusHint.Open,
        ["unpaid"] = StatusHint.Open,
        ["due"] = StatusHint.Open,
        ["overdue"] = StatusHint.Open,
        ["partial"] = StatusHint.Open,
        ["partially paid"] = StatusHint.Open,
        ["paid"] = StatusHint.Paid,
        ["void"] = StatusHint.Void,
        ["voided"] = StatusHint.Void,
        ["cancelled"] = StatusHint.Void,
        ["canceled"] = StatusHint.Void,
    };

    public static ExportFormat? FromOptions(GenericCsvOptions options)
    {
        if (options.Columns.Count == 0)
            return null;
        var aliases = new Dictionary<ExportField, string[]>();
        foreach (var (key, header) in options.Columns)
        {
            if (!Enum.TryParse<ExportField>(key, ignoreCase: true, out var field) || !Enum.IsDefined(field) ||
                field is ExportField.Id or ExportField.AmountDueBeforePayments or ExportField.LineAmount or ExportField.Type)
                throw new SettingsException(
                    $"Exports:Generic:Columns:{key} is not a column ChaseBot reads. Use Number, Client, Email, " +
                    "IssueDate, DueDate, Currency, Total, Paid, Balance, Status, PaymentLink or Country.");
            if (!string.IsNullOrWhiteSpace(header))
                aliases[field] = [header];
        }
        return new ExportFormat
        {
            Name = "generic",
            DisplayName = "generic CSV (columns from Exports:Generic:Columns)",
            Source = string.IsNullOrWhiteSpace(options.Source) ? "generic" : options.Source.Trim().ToLowerInvariant(),
            Aliases = aliases,
            Required = [ExportField.Number, ExportField.Client, ExportField.DueDate],
            RequiredOneOf = [[ExportField.Total, ExportField.Balance]],
            Statuses = CommonStatuses,
        };
    }
}
