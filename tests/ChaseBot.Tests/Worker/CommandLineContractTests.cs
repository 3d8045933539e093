using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Worker;

/// <summary>The command line behaves like one: help per verb, unknown options refused, the exit codes docs/command-line.md gives, no ledger made by accident.</summary>
public sealed class CommandLineContractTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData("status")]
    [InlineData("plan")]
    [InlineData("decide", "1", "approve")]
    [InlineData("chat", "status")]
    [InlineData("outbox")]
    [InlineData("digest")]
    public async Task A_verb_that_only_reads_refuses_a_ledger_that_does_not_exist_and_creates_nothing(params string[] verb)
    {
        var missing = Path.Combine(_db.Folder, "nodir", "typo.db");

        var result = await Cli.RunAsync([.. verb, "--db", missing]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"there is no ledger at {missing}", result.Error);
        Assert.Contains("import <file|folder>", result.Error); // how to create one
        Assert.False(Directory.Exists(Path.Combine(_db.Folder, "nodir")));
    }

    [Fact]
    public async Task Run_once_without_its_export_folder_refuses_before_it_creates_a_ledger()
    {
        var ledger = Path.Combine(_db.Folder, "fresh.db");

        var result = await Cli.RunAsync("run-once", "--folder", Path.Combine(_db.Folder, "no-such-folder"), "--db", ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
        Assert.False(File.Exists(ledger));
    }

    [Fact]
    public async Task A_setting_that_cannot_be_read_is_said_as_configuration_and_refused_before_the_ledger_is_touched()
    {
        var ledger = Path.Combine(_db.Folder, "fresh.db");

        var unreadable = await Cli.RunAsync("import", Samples.File("xero-invoices-nz.csv"), "--set", "Chase:TimeZone=Mars/Olympus_Mons", "--db", ledger);
        var unconvertible = await Cli.RunAsync("sync", "--set", "Sources:MaxStaleness=soon", "--db", ledger);

        Assert.Equal((2, "configuration: Chase:TimeZone 'Mars/Olympus_Mons' is not a time zone this machine knows (e.g. Europe/London)."),
            (unreadable.ExitCode, unreadable.Error.Trim()));
        Assert.Equal(2, unconvertible.ExitCode);
        Assert.StartsWith("configuration: Failed to convert configuration value", unconvertible.Error.Trim());
        Assert.Contains("Sources:MaxStaleness", unconvertible.Error);
        Assert.False(File.Exists(ledger));
    }

    [Fact]
    public async Task Every_verb_has_its_own_help_listing_only_its_options()
    {
        var import = await Cli.RunAsync("import", "--help");
        var status = await Cli.RunAsync("status", "--help");
        var decide = await Cli.RunAsync("decide", "-h");

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("--date-order", import.Out);
        Assert.DoesNotContain("--csv", import.Out);
        Assert.Contains("--csv", status.Out);
        Assert.DoesNotContain("--format", status.Out);
        Assert.Contains("--reason", decide.Out);
        Assert.DoesNotContain("--json", decide.Out);
    }

    [Theory]
    [InlineData("status", "--format", "x")]
    [InlineData("status", "--json", "--csv")]
    [InlineData("plan", "--csv")]
    [InlineData("run-once", "extra")]
    [InlineData("outbox", "--all")]
    public async Task An_option_the_verb_does_not_take_is_an_error_with_exit_2(params string[] args)
    {
        var result = await Cli.RunAsync([.. args, "--db", _db.Path]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains("Usage:", result.Error);
    }

    [Fact]
    public async Task Run_once_exits_2_when_a_file_was_refused_but_still_chases_the_rest()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "drop")).FullName;
        File.Copy(Samples.File("xero-invoices-nz.csv"), Path.Combine(folder, "xero.csv"));
        File.WriteAllText(Path.Combine(folder, "people.csv"), "name,age,favourite colour\nAna,34,green\n");

        var result = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "run-once", "--folder", folder, "--db", _db.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("people.csv: refused", result.Out);
        Assert.Contains("· proposal", result.Out); // the Xero sample: two clients, each a case with its late notice
    }

    [Fact]
    public async Task An_unknown_export_is_refused_in_one_short_line_that_says_what_was_found_and_where_to_look()
    {
        var file = _db.WriteFile("people.csv", "name,age,favourite colour,shoe size,pet,car,city\nAna,34,green,38,cat,none,Leeds\n");

        var result = await Cli.RunAsync("import", file, "--db", _db.Path);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"name\", \"age\", \"favourite colour\", \"shoe size\", \"pet\" and 2 more", line);
        Assert.Contains("--format", line);
        Assert.Contains("docs/exports.md", line);
        Assert.True(line.Length < 400, $"{line.Length} characters: {line}");
    }

    [Fact]
    public async Task A_second_run_once_says_what_it_did_and_counts_what_earlier_runs_left_held_instead_of_reprinting_it()
    {
        var saturday = Clocks.At("2026-11-21T10:00:00Z");
        string[] args = ["run-once", "--folder", Samples.Folder, "--db", _db.Path];

        var first = await Cli.RunAsync(saturday, null, args);
        var second = await Cli.RunAsync(saturday, null, args);

        Assert.Contains("(held for quiet hours / the weekend: posts Mon 2026-11-23 09:00 UTC)", first.Out);
        Assert.DoesNotContain("(held for quiet hours", second.Out);
        Assert.DoesNotContain("Proposal:", second.Out);
        Assert.Contains("0 held for quiet hours or the weekend", second.Out);
        Assert.Contains("messages from earlier runs still held; the next posts Mon 2026-11-23 09:00 UTC (`outbox` lists them)", second.Out);
        Assert.True(second.Out.Split('\n').Length < 25, second.Out);
    }
}
