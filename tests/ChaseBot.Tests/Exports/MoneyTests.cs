using ChaseBot.Core.Exports.Parsing;

namespace ChaseBot.Tests.Exports;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("1,234.56", MarkEvidence.Point)]
    [InlineData("12.50", MarkEvidence.Point)]
    [InlineData("1,000,000", MarkEvidence.Point)]
    [InlineData("1.234,56", MarkEvidence.Comma)]
    [InlineData("12,5", MarkEvidence.Comma)]
    [InlineData("1.000.000", MarkEvidence.Comma)]
    [InlineData("1.500", MarkEvidence.Either)]
    [InlineData("€1,500", MarkEvidence.Either)]
    [InlineData("1500", MarkEvidence.None)]
    public void An_amount_says_what_it_can_about_its_files_decimal_mark(string raw, MarkEvidence expected) =>
        Assert.Equal(expected, Money.Observe(raw));

    [Theory]
    [InlineData("1.500", DecimalMark.Comma, 1500.0)]
    [InlineData("1.500", DecimalMark.Point, 1.5)]
    [InlineData("1,500", DecimalMark.Point, 1500.0)]
    [InlineData("12.50", DecimalMark.Comma, null)] // a dot in a decimal-comma file can only group thousands
    [InlineData("1.234,56", DecimalMark.Point, null)]
    public void With_the_files_decimal_mark_an_amount_reads_one_way(string raw, DecimalMark mark, double? expected)
    {
        var read = Money.TryParse(raw, out var amount, out _, mark);
        Assert.Equal(expected.HasValue, read);
        if (expected is { } value)
            Assert.Equal((decimal)value, amount);
    }

    [Theory]
    [InlineData("1,000.00", 1000.00)]
    [InlineData("\"1,000.00\"", null)] // Quotes are CSV's business; a quote left in a cell is not an amount.
    [InlineData("350.00 ", 350.00)]
    [InlineData("$13.50", 13.50)]
    [InlineData("$19,700.00", 19700.00)]
    [InlineData("-100.00", -100.00)]
    [InlineData("(100.00)", -100.00)]
    [InlineData("$-45.10", -45.10)]
    [InlineData("12.3456", 12.3456)]
    [InlineData("1.234,56", 1234.56)]
    [InlineData("1234,56", 1234.56)]
    [InlineData("1 234,50", 1234.50)]
    [InlineData("1.000.000", 1000000.0)]
    [InlineData("1,000,000.5", 1000000.5)]
    [InlineData("177000.00", 177000.00)]
    [InlineData("0", 0.0)]
    [InlineData("", null)]
    [InlineData("abc", null)]
    [InlineData("1,00,0.00", null)]
    [InlineData("12.34.56,7", null)]
    [InlineData("=HYPERLINK(\"x\")", null)]
    public void Reads_amounts_as_accounting_exports_write_them(string raw, double? expected)
    {
        var ok = Money.TryParse(raw, out var amount, out _);
        Assert.Equal(expected is not null, ok);
        if (expected is { } value)
            Assert.Equal((decimal)value, amount);
    }

    [Theory]
    [InlineData("£250.00", "GBP")]
    [InlineData("€1.200,00", "EUR")]
    [InlineData("USD 1,200.00", "USD")]
    [InlineData("1.200,00 EUR", "EUR")]
    [InlineData("$5.00", null)]
    public void A_symbol_or_code_names_the_currency_only_when_it_is_unambiguous(string raw, string? currency)
    {
        Assert.True(Money.TryParse(raw, out _, out var hint));
        Assert.Equal(currency, hint);
    }

    [Fact]
    public void Formats_amounts_invariantly_with_at_least_two_decimals()
    {
        Assert.Equal("1,234.50", Money.Format(1234.5m));
        Assert.Equal("12.3456", Money.Format(12.3456m));
        Assert.Equal("-0.10", Money.Format(-0.1m));
    }
}
