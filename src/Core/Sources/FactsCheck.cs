using ChaseBot.Core.Exports;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Text;

namespace ChaseBot.Core.Sources;

/// <summary>
/// The rules an export's row is held to, for facts that came from an API instead: an API can send a look-alike name or
/// an amount finer than its currency as easily as a file can. A fact that fails is rejected, naming the invoice.
/// </summary>
public static class FactsCheck
{
    /// <summary>The facts as the ledger stores them (NFC, trimmed), or why they cannot be.</summary>
    public static (InvoiceFacts? Facts, string? Problem) Check(InvoiceFacts facts)
    {
        var number = facts.Number.Trim();
        if (number.Length == 0)
            return (null, "an invoice without a number");
        if (number.Length > 100)
            return (null, $"invoice {number[..40]}…: the number is longer than 100 characters");
        if ((Lookalikes.Hidden(number) ?? Lookalikes.OtherDigit(number)) is { } inNumber)
            return (null, $"the invoice number '{Printable.Of(number)}' has {inNumber}");
        number = Lookalikes.Normalized(number);
        var client = facts.ClientName.Trim();
        if (client.Length == 0)
            return (null, $"invoice {number} has no client name");
        if (client.Length > 200)
            return (null, $"invoice {number}: the client name is longer than 200 characters");
        if (Lookalikes.Hidden(client) is { } inName)
            return (null, $"invoice {number}: the client name '{Printable.Of(client)}' has {inName}");
        if (facts.DueDate == DateOnly.MinValue)
            return (null, $"invoice {number} has neither a due date nor an issue date");
        var currency = facts.Currency.Trim().ToUpperInvariant();
        if (currency is not [var c1, var c2, var c3] || !char.IsAsciiLetter(c1) || !char.IsAsciiLetter(c2) || !char.IsAsciiLetter(c3))
            return (null, $"invoice {number}: '{Printable.Of(facts.Currency)}' is not a currency code like USD or EUR");
        foreach (var (what, amount) in new[] { ("total", facts.Total), ("amount paid", facts.Paid), ("amount due", facts.Due) })
        {
            if (amount < 0)
                return (null, $"invoice {number}: the {what} is negative ({Money.Format(amount)})");
            if (!CurrencyDecimals.Fits(amount, currency))
                return (null, $"invoice {number}: the {what} {Money.Format(amount)} has more decimals than {currency} allows ({CurrencyDecimals.Of(currency)})");
        }
        return (facts with { Number = number, ClientName = Lookalikes.Normalized(client), Currency = currency }, null);
    }
}
