using System.Text.Json;
using ChaseBot.Core.LatePayment;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.LatePayment;

/// <summary>The worked examples of docs/late-payment.md, to the penny or cent.</summary>
public sealed class InterestTests
{
    private static readonly LateCharges Charges = new(Options.Create(new LatePaymentOptions()), NullLogger<LateCharges>.Instance);

    private static Client Business(string jurisdiction, Action<Client>? configure = null)
    {
        var client = new Client { Name = "Kauri Digital Ltd", NormalizedName = "KAURI DIGITAL LTD", Jurisdiction = jurisdiction };
        configure?.Invoke(client);
        return client;
    }

    private static InvoiceInterest Compute(Client client, decimal total, string currency, string due, string asOf, params PaymentOn[] payments) =>
        Charges.Compute(new InvoiceDebt("INV-1", currency, total, DateOnly.Parse(due), payments), LateCharges.BasisFor(client), DateOnly.Parse(asOf));

    private static object Periods(InvoiceInterest i) => i.Periods.Select(p => (p.From.ToString("yyyy-MM-dd"), p.To.ToString("yyyy-MM-dd"), p.Days, p.Principal, p.RatePercent, p.Amount)).ToList();

    [Fact]
    public void A_4500_pound_invoice_73_days_late_across_a_change_of_reference_rate()
    {
        // Due 20 May 2025; the Bank Rate was 4.75% on 31 Dec 2024 and 4.25% on 30 Jun 2025: 12.75% then 12.25%.
        var i = Compute(Business("UK"), 4500m, "GBP", "2025-05-20", "2025-08-01");

        Assert.Equal(73, i.Days);
        Assert.Equal(new[]
        {
            ("2025-05-21", "2025-06-30", 41, 4500m, (decimal?)12.75m, (decimal?)64.45m), // 4,500 × 12.75% × 41/365 = 64.4486
            ("2025-07-01", "2025-08-01", 32, 4500m, 12.25m, 48.33m),                    // 4,500 × 12.25% × 32/365 = 48.3288
        }, Periods(i));
        Assert.Equal(112.78m, i.Interest);
        Assert.Equal((70m, "GBP"), (i.Compensation, i.CompensationCurrency)); // £1,000 to £9,999.99
        Assert.StartsWith("the Late Payment of Commercial Debts (Interest) Act 1998: 8 points", i.Basis.Words);
    }

    [Fact]
    public void A_partial_payment_halfway_lowers_the_principal_from_its_day()
    {
        var i = Compute(Business("UK"), 4500m, "GBP", "2025-05-20", "2025-08-01", new PaymentOn(new DateOnly(2025, 6, 26), 2000m));

        Assert.Equal(new[]
        {
            ("2025-05-21", "2025-06-25", 36, 4500m, (decimal?)12.75m, (decimal?)56.59m), // 56.5890
            ("2025-06-26", "2025-06-30", 5, 2500m, 12.75m, 4.37m),                      // 4.3664
            ("2025-07-01", "2025-08-01", 32, 2500m, 12.25m, 26.85m),                    // 26.8493
        }, Periods(i));
        Assert.Equal(87.81m, i.Interest);
        Assert.Equal(70m, i.Compensation); // on the debt as it fell due
    }

    [Fact]
    public void A_12000_euro_German_invoice_at_nine_points_over_the_Bundesbank_base_rate()
    {
        // The base rate from 1 July 2025 is 1.27%: 10.27% between businesses (§288(2) BGB), and the €40 flat sum (§288(5)).
        var i = Compute(Business("DE"), 12000m, "EUR", "2025-09-30", "2025-11-30");

        Assert.Equal(new[] { ("2025-10-01", "2025-11-30", 61, 12000m, (decimal?)10.27m, (decimal?)205.96m) }, Periods(i)); // 205.9627
        Assert.Equal((205.96m, 40m, "EUR"), (i.Interest, i.Compensation, i.CompensationCurrency));
    }

    [Fact]
    public void A_US_client_owes_only_what_the_contract_says_at_one_and_a_half_percent_a_month()
    {
        var none = Compute(Business("US"), 5000m, "USD", "2025-10-01", "2025-11-15");
        Assert.Null(none.Interest);
        Assert.Contains("no law gives interest between businesses", none.Basis.Words);

        // late-terms 1.5% a month: 18% a year, simple; 5,000 × 18% × 45/365 = 110.9589.
        var i = Compute(Business("US", c => (c.Clauses.LateInterestPercentAYear, c.Clauses.LateFeeTerms) = (18m, "1.5% a month (18% a year, simple interest)")),
            5000m, "USD", "2025-10-01", "2025-11-15");
        Assert.Equal(new[] { ("2025-10-02", "2025-11-15", 45, 5000m, (decimal?)18m, (decimal?)110.96m) }, Periods(i));
        Assert.Equal(110.96m, i.Interest);
        Assert.Null(i.Compensation); // the contract names no fee
        Assert.Equal("the contract: 1.5% a month (18% a year, simple interest)", i.Basis.Words);
    }

    [Fact]
    public void A_consumer_is_never_charged()
    {
        var i = Compute(Business("UK", c => c.IsConsumer = true), 4500m, "GBP", "2025-05-20", "2025-08-01");

        Assert.Equal((null, null), (i.Interest, i.Compensation));
        Assert.Empty(i.Periods);
        Assert.Contains("is a consumer", i.Basis.Words);
    }

    [Fact]
    public void A_contract_with_its_own_remedy_is_used_instead_of_the_Act()
    {
        var i = Compute(Business("UK", c => (c.Clauses.LateInterestPercentAYear, c.Clauses.LateFee, c.Clauses.LateFeeTerms) = (24m, 25m, "2% a month")),
            4500m, "GBP", "2025-05-20", "2025-08-01");

        Assert.Equal(216.00m, i.Interest); // 4,500 × 24% × 73/365
        Assert.Equal((25m, "GBP"), (i.Compensation, i.CompensationCurrency));
        Assert.Equal("the contract: 2% a month", i.Basis.Words);
    }

    [Fact]
    public void A_half_year_with_no_rate_gives_no_interest_figure_only_compensation_and_names_the_period()
    {
        // 2026-H1 is shipped (3.75% on 31 Dec 2025); 2026-H2 is not until someone sets it.
        var i = Compute(Business("UK"), 4500m, "GBP", "2026-06-10", "2026-07-20");

        Assert.Null(i.Interest);
        Assert.Equal(["UK 2026-H2"], i.MissingRates);
        Assert.Equal(70m, i.Compensation);
        // The days of H1 are known (4,500 × 11.75% × 20/365 = 28.9726); those of H2 are not, so no total is said.
        Assert.Equal((20, (decimal?)28.97m), (i.Periods[0].Days, i.Periods[0].Amount));
        Assert.Equal((20, (decimal?)null, (decimal?)null), (i.Periods[1].Days, i.Periods[1].RatePercent, i.Periods[1].Amount));
    }

    [Fact]
    public void A_configured_rate_fills_the_missing_half_year()
    {
        var options = new LatePaymentOptions { ReferenceRates = new(StringComparer.OrdinalIgnoreCase) { ["UK"] = new() { ["2026-H2"] = 3.50m } } };
        var charges = new LateCharges(Options.Create(options), NullLogger<LateCharges>.Instance);

        var i = charges.Compute(new InvoiceDebt("INV-1", "GBP", 4500m, new DateOnly(2026, 6, 10), []), LateCharges.BasisFor(Business("UK")), new DateOnly(2026, 7, 20));

        Assert.Empty(i.MissingRates);
        Assert.Equal([11.75m, 11.5m], i.Periods.Select(p => p.RatePercent!.Value));
    }
}

/// <summary>The settings in chat and the `interest` verb, on a ledger of the sample exports.</summary>
public sealed class InterestCommandTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private static readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock = Clocks.At("2026-11-23T10:00:00Z");

    public void Dispose() => _db.Dispose();

    private Task<CliResult> RunAsync(params string[] args) => Cli.RunAsync(Clock, null, [.. args, "--db", _db.Path]);

    [Fact]
    public async Task A_US_client_given_late_terms_in_chat_shows_its_interest_line_by_line_and_as_JSON()
    {
        await Cli.RunAsync(Clock, null, "import", Samples.Folder, "--db", _db.Path);

        Assert.Contains("no law gives interest between businesses there", (await RunAsync("chat", "client Blue Ridge jurisdiction US", "--user", "alice")).Out);
        var refused = await RunAsync("chat", "client Blue Ridge late-terms five percent", "--user", "alice");
        Assert.Contains("late-terms 1.5% a month", refused.Error + refused.Out);
        Assert.Contains("Blue Ridge Outfitters: the contract's late-payment terms are 1.5% a month (18% a year, simple interest) and a fee of 25.00 per invoice",
            (await RunAsync("chat", "client Blue Ridge late-terms 1.5% a month fee 25", "--user", "alice")).Out);

        var text = await RunAsync("interest", "Blue Ridge", "--as-of", "2026-11-23");
        Assert.Equal(0, text.ExitCode);
        // 1001: USD 4,500.00 due 2 Oct 2026; 52 days to 23 Nov at 18%: 4,500 × 18% × 52/365 = 115.3973.
        Assert.Contains("Basis: the contract: 1.5% a month (18% a year, simple interest) and a fee of 25.00 per invoice.", text.Out);
        Assert.Contains("  3 Oct 2026 to 23 Nov 2026: 52 days on USD 4,500.00 at 18% a year = USD 115.40", text.Out);
        Assert.Contains("  Compensation: USD 25.00", text.Out);

        var json = JsonDocument.Parse((await RunAsync("interest", "1001", "--as-of", "2026-11-23", "--json")).Out).RootElement;
        var invoice = Assert.Single(json.EnumerateArray());
        Assert.Equal(("1001", "USD", 4500m, 52, 115.40m, 25m), (invoice.GetProperty("invoice").GetString(), invoice.GetProperty("currency").GetString(),
            invoice.GetProperty("principal").GetDecimal(), invoice.GetProperty("days").GetInt32(), invoice.GetProperty("interest").GetDecimal(),
            invoice.GetProperty("compensation").GetDecimal()));
        var period = Assert.Single(invoice.GetProperty("periods").EnumerateArray());
        Assert.Equal(("2026-10-03", "2026-11-23", 52, 18m, 115.40m), (period.GetProperty("from").GetString(), period.GetProperty("to").GetString(),
            period.GetProperty("days").GetInt32(), period.GetProperty("ratePercent").GetDecimal(), period.GetProperty("amount").GetDecimal()));
        Assert.StartsWith("the contract:", invoice.GetProperty("basis").GetString());

        Assert.Equal(2, (await RunAsync("interest", "Nobody At All")).ExitCode);
    }

    [Fact]
    public async Task A_consumer_and_an_unknown_jurisdiction_are_said_as_such()
    {
        await Cli.RunAsync(Clock, null, "import", Samples.Folder, "--db", _db.Path);

        Assert.Contains("is not a jurisdiction ChaseBot knows", (await RunAsync("chat", "client Kauri jurisdiction Narnia", "--user", "alice")) is var r ? r.Out + r.Error : "");
        var unknown = (await RunAsync("interest", "Kauri", "--as-of", "2026-11-23")).Out;
        Assert.Contains("Basis: no jurisdiction is recorded for Kauri Digital Ltd", unknown);
        Assert.Contains("INV-0101: NZD 4,600.00 overdue from the day after its due date, 39 days", unknown); // due 15 Oct: late as it is, nothing charged
        await RunAsync("chat", "client Kauri jurisdiction IE", "--user", "alice");
        await RunAsync("chat", "client Kauri consumer", "--user", "alice");
        var consumer = await RunAsync("interest", "Kauri", "--as-of", "2026-11-23");
        Assert.Contains("Basis: Kauri Digital Ltd is a consumer: the late-payment laws apply between businesses, so nothing is charged.", consumer.Out);
        Assert.DoesNotContain("Interest:", consumer.Out);
    }
}

/// <summary>A client's jurisdiction from the export's country column, where none is recorded in chat.</summary>
public sealed class JurisdictionFromExportTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private static readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock = Clocks.At("2026-11-23T10:00:00Z");

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Xeros_country_gives_the_jurisdiction_a_client_has_none_of_and_never_replaces_one_set_in_chat()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "exports")).FullName;
        var text = await File.ReadAllTextAsync(Samples.File("xero-invoices-nz.csv"));
        await File.WriteAllTextAsync(Path.Combine(folder, "xero.csv"), text);
        Assert.Equal(0, (await Cli.RunAsync(Clock, null, "import", folder, "--db", _db.Path)).ExitCode);
        await Cli.RunAsync(Clock, null, "chat", "client Kauri jurisdiction IE", "--user", "alice", "--db", _db.Path);

        // The next export says two contacts moved: Kauri to the UK (a name), Tui to Germany (a code); the others stay in New Zealand.
        var rows = text.Split('\n').Select(l => l.StartsWith("Kauri Digital Ltd,", StringComparison.Ordinal) ? l.Replace(",New Zealand,", ",United Kingdom,")
            : l.StartsWith("Tui Print & Design,", StringComparison.Ordinal) ? l.Replace(",New Zealand,", ",DE,") : l);
        await File.WriteAllTextAsync(Path.Combine(folder, "xero.csv"), string.Join('\n', rows));
        Assert.Equal(0, (await Cli.RunAsync(Clock, null, "import", folder, "--db", _db.Path)).ExitCode);

        await using var db = _db.Open();
        var jurisdictions = await db.Clients.ToDictionaryAsync(c => c.Name, c => c.Jurisdiction);
        Assert.Equal("DE", jurisdictions["Tui Print & Design"]);
        Assert.Equal("IE", jurisdictions["Kauri Digital Ltd"]); // set in chat: the export does not replace it
        Assert.Null(jurisdictions["Moana Surf School"]); // New Zealand: no jurisdiction ChaseBot applies
    }
}

/// <summary>Rates as configuration: a missing half-year is warned about once, naming its setting; a malformed one is refused at start.</summary>
public sealed class ReferenceRateSettingsTests
{
    [Fact]
    public void A_missing_half_year_is_warned_about_once_naming_the_setting()
    {
        var logs = new ChaseBot.Tests.Bot.CapturedLogs();
        var charges = new LateCharges(Options.Create(new LatePaymentOptions()), new Microsoft.Extensions.Logging.Logger<LateCharges>(new Microsoft.Extensions.Logging.LoggerFactory([logs])));
        var uk = LateCharges.BasisFor(new Client { Name = "A", NormalizedName = "A", Jurisdiction = "UK" });

        for (var i = 0; i < 3; i++)
            charges.Compute(new InvoiceDebt($"INV-{i}", "GBP", 1000m, new DateOnly(2026, 6, 1), []), uk, new DateOnly(2026, 8, 1));

        var warning = Assert.Single(logs.Lines, l => l.Message.StartsWith("No reference rate", StringComparison.Ordinal));
        Assert.Contains("No reference rate for UK 2026-H2", warning.Message);
        Assert.Contains("Set LatePayment:ReferenceRates:UK:2026-H2", warning.Message);
    }

    [Fact]
    public async Task A_rate_for_a_period_that_is_not_a_half_year_is_refused_at_start_with_its_key()
    {
        using var db = new TestDatabase();
        await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "import", Samples.Folder, "--db", db.Path);

        var result = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "interest", "Kauri", "--db", db.Path, "--set", "LatePayment:ReferenceRates:UK:2026=4.00");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("LatePayment:ReferenceRates:UK:2026: a period is a half-year written like 2026-H2", result.Error);
    }
}
