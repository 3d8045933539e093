using ChaseBot.Core.Chasing;

namespace ChaseBot.Core.Payments;

/// <summary>The "How to pay" part of a client text: the invoices' own payment links, then the configured instructions.</summary>
public static class HowToPay
{
    /// <summary>
    /// The block, ending in a blank line, or "" when there is nothing true to say (no link, no instructions): a text never
    /// invents a way to pay. Instructions that differ by currency are each said for their currency.
    /// </summary>
    public static string Block(PaymentOptions? options, IEnumerable<InvoiceView> invoices)
    {
        var list = invoices.ToList();
        var lines = new List<string>();
        foreach (var linked in list.Where(i => i.PaymentLink is not null).DistinctBy(i => i.Number))
            lines.Add($"  • Pay invoice {linked.Number} online: {linked.PaymentLink}");
        var currencies = list.Select(i => i.Currency).Distinct().Order(StringComparer.Ordinal).ToList();
        var byCurrency = currencies.Select(c => (Currency: c, Text: options?.For(c))).Where(x => x.Text is not null).ToList();
        var differ = byCurrency.Select(x => x.Text).Distinct().Count() > 1;
        foreach (var (currency, text) in byCurrency.DistinctBy(x => differ ? x.Currency : x.Text))
            lines.AddRange(Indent(differ ? $"For {currency}: {text}" : text!));
        return lines.Count == 0 ? "" : "How to pay:\n" + string.Join("\n", lines) + "\n\n";
    }

    private static IEnumerable<string> Indent(string text) =>
        text.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => "  " + l);
}
