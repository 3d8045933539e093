using System.Text.Json;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Worker;

/// <summary>The Worker's command line is a contract other tools rely on: its JSON, its exit codes, its usage.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private Task<CliResult> Run(params string[] args) => Cli.RunAsync([.. args, "--db", _db.Path]);

    [Fact]
    public async Task Import_with_json_prints_one_object_with_the_documented_fields()
    {
        var result = await Run("import", Samples.File("xero-invoices-nz.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("xero-invoices-nz.csv", root.GetProperty("file").GetString());
        Assert.Equal("xero", root.GetProperty("format").GetString());
        Assert.Equal(12, root.GetProperty("rows").GetInt32());
        Assert.Equal(7, root.GetProperty("invoices").GetInt32());
        Assert.Equal(7, root.GetProperty("created").GetInt32());
        Assert.Equal(0, root.GetProperty("updated").GetInt32());
        Assert.Equal(0, root.GetProperty("unchanged").GetInt32());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("rejected").ValueKind);
        Assert.Equal(2, root.GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public async Task Rejected_rows_are_listed_with_line_and_reason_and_the_exit_code_is_still_zero()
    {
        var file = _db.WriteFile("bad.csv", Exports.ExportQuirkTests.XeroHeader + "\n" +
            "A,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "B,,INV-2,01/10/2026,31/13/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n");

        var result = await Run("import", file, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var rejected = Assert.Single(json.RootElement.GetProperty("rejected").EnumerateArray());
        Assert.Equal(3, rejected.GetProperty("line").GetInt32());
        Assert.Contains("31/13/2026", rejected.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_file_refused_whole_exits_2_with_the_reason_and_no_stack_trace()
    {
        var file = _db.WriteBytes("photo.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]);

        var human = await Run("import", file);
        var json = await Run("import", file, "--json");

        Assert.Equal(2, human.ExitCode);
        Assert.Contains("refused", human.Out);
        Assert.Contains("binary", human.Out);
        Assert.DoesNotContain("   at ", human.Out + human.Error);
        Assert.Equal(2, json.ExitCode);
        Assert.Equal("refused", JsonDocument.Parse(json.Out).RootElement.GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("import")]
    [InlineData("import", "a.csv", "b.csv")]
    [InlineData("import", "x.csv", "--date-order", "ymd")]
    [InlineData("import", "x.csv", "--format", "sage")]
    [InlineData("import", "x.csv", "--payment-term-days", "soon")]
    [InlineData("status", "--as-of", "21/11/2026")]
    [InlineData("status", "--colour")]
    [InlineData("status", "--db")]
    public async Task Bad_arguments_print_usage_and_exit_2(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage:", result.Error);
        Assert.StartsWith("error: ", result.Error);
    }

    [Fact]
    public async Task A_missing_file_is_named_and_exits_2() =>
        Assert.Equal(2, (await Run("import", Path.Combine(_db.Folder, "nope.csv"))).ExitCode);

    [Fact]
    public async Task Help_prints_usage_and_exits_0()
    {
        var result = await Cli.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("import <file|folder>", result.Out);
    }

    [Fact]
    public async Task Status_json_lists_invoices_with_days_overdue_and_totals_per_currency_by_age()
    {
        await Run("import", Samples.File("xero-invoices-nz.csv"));
        await Run("import", Samples.File("stripe-invoices.csv"));

        var result = await Run("status", "--as-of", "2026-11-21", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var invoices = json.RootElement.GetProperty("invoices").EnumerateArray().ToList();
        var inv0101 = invoices.Single(i => i.GetProperty("number").GetString() == "INV-0101");
        Assert.Equal("Kauri Digital Ltd", inv0101.GetProperty("client").GetString());
        Assert.Equal("NZD", inv0101.GetProperty("currency").GetString());
        Assert.Equal(4600m, inv0101.GetProperty("total").GetDecimal());
        Assert.Equal(0m, inv0101.GetProperty("paid").GetDecimal());
        Assert.Equal(4600m, inv0101.GetProperty("due").GetDecimal());
        Assert.Equal("2026-10-15", inv0101.GetProperty("dueDate").GetString());
        Assert.Equal("open", inv0101.GetProperty("status").GetString());
        Assert.Equal(37, inv0101.GetProperty("daysOverdue").GetInt32());
        Assert.DoesNotContain(invoices, i => i.GetProperty("status").GetString() is "paid" or "void" or "draft");

        var totals = json.RootElement.GetProperty("totals").EnumerateArray().ToDictionary(t => t.GetProperty("currency").GetString()!);
        Assert.Equal(["EUR", "NZD", "USD"], totals.Keys.Order());
        var nzd = totals["NZD"];
        Assert.Equal(11000m, nzd.GetProperty("due").GetDecimal()); // 4600 + 650 + 2300 + 3450
        var aging = nzd.GetProperty("aging");
        Assert.Equal(3450m, aging.GetProperty("current").GetDecimal()); // INV-0107, due 30 Nov
        Assert.Equal(2950m, aging.GetProperty("1-30").GetDecimal()); // INV-0102 (21 days) + INV-0103 (1 day)
        Assert.Equal(4600m, aging.GetProperty("31-60").GetDecimal()); // INV-0101 (37 days)
        Assert.Equal(0m, aging.GetProperty("61-90").GetDecimal());
        Assert.Equal(950m, totals["USD"].GetProperty("aging").GetProperty("90+").GetDecimal()); // Helios, 143 days
    }

    [Fact]
    public async Task Status_for_a_client_or_an_invoice_shows_just_those()
    {
        await Run("import", Samples.File("xero-invoices-nz.csv"));

        var client = await Run("status", "kauri digital ltd", "--as-of", "2026-11-21");
        var paidInvoice = await Run("status", "INV-0104", "--json");

        Assert.Equal(0, client.ExitCode);
        Assert.Contains("INV-0101", client.Out);
        Assert.Contains("INV-0103", client.Out);
        Assert.DoesNotContain("INV-0102", client.Out);
        var only = Assert.Single(JsonDocument.Parse(paidInvoice.Out).RootElement.GetProperty("invoices").EnumerateArray());
        Assert.Equal("paid", only.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_for_the_start_or_a_part_of_one_clients_name_answers_for_that_client()
    {
        await Run("import", Samples.File("xero-invoices-nz.csv"));
        await Run("import", Samples.File("zoho-books-invoices.csv"));

        var prefix = await Run("status", "kauri", "--as-of", "2026-11-21");
        var part = await Run("status", "print &", "--as-of", "2026-11-21");
        var several = await Run("status", "ltd", "--as-of", "2026-11-21");

        Assert.Equal(0, prefix.ExitCode);
        Assert.Contains("INV-0101", prefix.Out);
        Assert.DoesNotContain("INV-0102", prefix.Out); // Tui Print & Design's
        Assert.Contains("INV-0102", part.Out);
        Assert.Equal(2, several.ExitCode); // Kauri Digital Ltd and Saffron Studios Pvt Ltd: say which
    }

    [Fact]
    public async Task Status_for_something_unknown_suggests_close_matches()
    {
        await Run("import", Samples.File("xero-invoices-nz.csv"));

        var result = await Run("status", "Kauri Digitel Ltd");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No client or invoice matches 'Kauri Digitel Ltd'", result.Error);
        Assert.Contains("Did you mean: Kauri Digital Ltd", result.Error);
        Assert.Contains("Kauri Digital Ltd", (await Run("status", "kauri digtal")).Error);
        Assert.Contains("INV-0103", (await Run("status", "INV-0130")).Error);
        Assert.DoesNotContain("Did you mean", (await Run("status", "Completely Unrelated Co")).Error);
    }

    [Fact]
    public async Task Status_marks_invoices_missing_from_the_last_export()
    {
        var header = Exports.ExportQuirkTests.XeroHeader;
        await Run("import", _db.WriteFile("1.csv", header + "\nA,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
                                                   "A,,INV-2,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n"));
        await Run("import", _db.WriteFile("2.csv", header + "\nA,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n"));

        var human = await Run("status");
        var json = await Run("status", "--json");

        Assert.Contains("missing from last export", human.Out);
        var invoices = JsonDocument.Parse(json.Out).RootElement.GetProperty("invoices").EnumerateArray().ToList();
        Assert.True(invoices.Single(i => i.GetProperty("number").GetString() == "INV-2").GetProperty("missing").GetBoolean());
    }

    [Fact]
    public async Task Run_once_imports_the_samples_and_posts_reminders_proposals_a_check_in_and_a_digest_once()
    {
        var monday = Clocks.At("2026-11-23T10:00:00Z");
        string[] args = ["run-once", "--folder", Samples.Folder, "--db", _db.Path];

        var first = await Cli.RunAsync(monday, null, args);

        Assert.Equal(0, first.ExitCode);
        foreach (var file in new[] { "xero-invoices-nz.csv", "quickbooks-invoice-list.csv", "quickbooks-ar-aging-detail.csv",
                     "stripe-invoices.csv", "zoho-books-invoices.csv", "invoiceninja-v4-invoices.csv" })
            Assert.Contains(file, first.Out);
        Assert.DoesNotContain("refused", first.Out);
        Assert.Contains("· reminder", first.Out);
        Assert.Contains("Berlin Bikes GmbH: 2 invoices overdue", first.Out); // one message for the client's two invoices
        Assert.Contains("Proposal: formal late notice for Helios Solar Co (USD ", first.Out);
        Assert.DoesNotContain("private message to @owner", first.Out); // the placeholder owner is nobody: no check-in is sent
        Assert.Contains("No owner is set (Chase:DefaultOwner is the placeholder 'owner')", first.Out);
        Assert.Contains("· digest", first.Out);
        Assert.Contains("held for quiet hours or the weekend", first.Out);
        Assert.DoesNotContain("(held for quiet hours", first.Out); // Monday 10:00: everything goes out now

        var second = await Cli.RunAsync(monday, null, args);
        Assert.Contains("already imported", second.Out);
        Assert.Contains("0 reminders, 0 proposals", second.Out);
        Assert.Contains("Delivered 0 messages", second.Out);
    }

    [Fact]
    public async Task Exports_dated_ahead_of_the_clock_are_imported_with_a_warning_and_skipped_files_are_named()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "ahead")).FullName;
        foreach (var name in new[] { "xero-invoices-nz.csv", "stripe-invoices.csv" })
        {
            var copy = Path.Combine(folder, name);
            File.Copy(Samples.File(name), copy);
            File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddDays(1).AddMinutes(5)); // clock skew, a share, a copy that kept times
        }
        File.Copy(Samples.File("zoho-books-invoices.csv"), Path.Combine(folder, "zoho.csv.crdownload"));

        var import = await Run("import", folder);
        var runOnce = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "run-once", "--folder", folder, "--db", _db.Path);

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("xero-invoices-nz.csv: xero, 12 rows, 7 invoices: 7 new", import.Out);
        Assert.Contains("stripe-invoices.csv: stripe", import.Out);
        Assert.Contains("warning: the file is dated 1 day ahead of this machine's clock", import.Out);
        Assert.Contains("zoho.csv.crdownload: not read — its name marks a download", import.Out);
        Assert.Equal(0, runOnce.ExitCode);
        Assert.Contains("zoho.csv.crdownload: not read", runOnce.Out);
        Assert.Contains("· reminder", runOnce.Out);
    }

    [Fact]
    public async Task A_bad_configuration_value_is_a_clear_message_not_a_crash()
    {
        var result = await Cli.RunAsync((TimeProvider?)null, new Dictionary<string, string?> { ["Exports:DefaultCurrency"] = "dollars" },
            "status", "--db", _db.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Exports:DefaultCurrency", result.Error);
    }

    [Fact]
    public async Task A_read_only_database_is_a_clear_error_and_nothing_is_half_imported()
    {
        await Run("import", Samples.File("stripe-invoices.csv"));

        // Opened read-only the way a mount or a permission would make it (root ignores file permissions).
        var result = await Cli.RunAsync((TimeProvider?)null, null, "import", Samples.File("zoho-books-invoices.csv"),
            "--set", $"ConnectionStrings:Chase=Data Source={_db.Path};Mode=ReadOnly");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("readonly", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", result.Error);
        await using var db = _db.Open();
        Assert.Equal(7, db.Invoices.Count());
        Assert.DoesNotContain(db.ImportRuns, r => r.FileName == "zoho-books-invoices.csv");
    }
}
