using System.Text.Json;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Worker;

public sealed class ChaseCommandLineTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Plan_previews_the_ladder_on_your_data_without_changing_anything()
    {
        var saturday = Clocks.At("2026-11-21T09:00:00Z");
        await Cli.RunAsync(saturday, null, "import", Samples.File("stripe-invoices.csv"), "--db", _db.Path);

        var result = await Cli.RunAsync(saturday, null, "plan", "--json", "--db", _db.Path);

        Assert.Equal(0, result.ExitCode);
        var entries = JsonDocument.Parse(result.Out).RootElement.EnumerateArray().ToList();
        var berlin = entries.Where(e => e.GetProperty("client").GetString() == "Berlin Bikes GmbH").ToList();
        Assert.Contains(berlin, e => e.GetProperty("invoice").GetString() == "A1B2C3D4-0003" &&
                                     e.GetProperty("step").GetString() == "reminder-2" && e.GetProperty("kind").GetString() == "nudge");
        Assert.Contains(berlin, e => e.GetProperty("step").GetString() == "reminder-1" && e.GetProperty("kind").GetString() == "skip" &&
                                     e.GetProperty("reason").GetString()!.Contains("caught up"));
        var helios = entries.Single(e => e.GetProperty("invoice").GetString() == "A1B2C3D4-0004" && e.GetProperty("kind").GetString() == "proposal");
        Assert.Equal("late-notice", helios.GetProperty("step").GetString());
        // Decided on Saturday, sent on Monday morning.
        Assert.Equal("2026-11-23T09:00:00+00:00", helios.GetProperty("sendAt").GetString());

        await using var db = _db.Open();
        Assert.Empty(db.ChaseSteps);
        Assert.Empty(db.Outbox);
    }

    [Fact]
    public async Task Plan_as_of_a_later_day_shows_what_that_days_run_would_decide()
    {
        await Cli.RunAsync("import", Samples.File("stripe-invoices.csv"), "--db", _db.Path);

        var later = await Cli.RunAsync("plan", "--as-of", "2026-12-30", "--json", "--db", _db.Path);

        var entries = JsonDocument.Parse(later.Out).RootElement.EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("invoices").EnumerateArray().Any(i => i.GetString() == "A1B2C3D4-0006") &&
                                      e.GetProperty("step").GetString() == "late-notice");
    }

    [Fact]
    public async Task Decide_from_the_command_line_checks_the_approver_and_posts_the_approved_text()
    {
        var monday = Clocks.At("2026-11-23T10:00:00Z");
        await Cli.RunAsync(monday, null, "run-once", "--folder", Samples.Folder, "--db", _db.Path);
        var approvers = new Dictionary<string, string?> { ["Chase:Approvers:0"] = "alice" };

        var refused = await Cli.RunAsync(monday, approvers, "decide", "1", "approve", "--user", "mallory", "--db", _db.Path);
        var approved = await Cli.RunAsync(monday, approvers, "decide", "1", "approve", "--user", "alice", "--db", _db.Path);
        var again = await Cli.RunAsync(monday, approvers, "decide", "1", "reject", "--user", "alice", "--db", _db.Path);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("mallory is not an approver", refused.Error);
        Assert.Equal(0, approved.ExitCode);
        Assert.Contains("Approved: formal late notice", approved.Out);
        Assert.Contains("Approved by alice", approved.Out); // the artifact, posted to the console
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already approved by alice", again.Error);
    }

    [Fact]
    public async Task Cases_shows_each_clients_stage_what_comes_next_and_when_and_the_history()
    {
        var monday = Clocks.At("2026-11-23T10:00:00Z");
        var approvers = new Dictionary<string, string?> { ["Chase:Approvers:0"] = "alice" };
        await Cli.RunAsync(monday, null, "run-once", "--folder", Samples.Folder, "--db", _db.Path);
        var blueRidge = JsonDocument.Parse((await Cli.RunAsync(monday, null, "cases", "Blue Ridge", "--json", "--db", _db.Path)).Out)
            .RootElement.EnumerateArray().Single();
        await Cli.RunAsync(monday, approvers, "decide", blueRidge.GetProperty("pendingProposal").GetInt64().ToString(), "approve",
            "--user", "alice", "--db", _db.Path);
        // Approved is not told: until the notice reaches the client, no deadline has been given to them.
        var untold = JsonDocument.Parse((await Cli.RunAsync(monday, null, "cases", "blue ridge", "--json", "--db", _db.Path)).Out).RootElement.EnumerateArray().Single();
        Assert.Equal(JsonValueKind.Null, untold.GetProperty("deadline").ValueKind);
        Assert.Contains("Marked as sent: the formal late notice to Blue Ridge Outfitters",
            (await Cli.RunAsync(monday, null, "chat", "sent Blue Ridge", "--db", _db.Path)).Out);
        await Cli.RunAsync(monday, null, "chat", "dispute 1004 wrong quantity", "--db", _db.Path);

        var json = await Cli.RunAsync(monday, null, "cases", "blue ridge", "--json", "--db", _db.Path);
        var human = await Cli.RunAsync(monday, null, "cases", "--db", _db.Path);
        var unknown = await Cli.RunAsync(monday, null, "cases", "Nobody Ltd", "--db", _db.Path);

        Assert.Equal(0, json.ExitCode);
        var c = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Single();
        Assert.Equal(("Blue Ridge Outfitters", "late-notice", "2026-11-30"),
            (c.GetProperty("client").GetString(), c.GetProperty("stage").GetString(), c.GetProperty("deadline").GetString()));
        Assert.Equal(JsonValueKind.Null, c.GetProperty("pendingProposal").ValueKind);
        // Service reduction is passed over (no clause recorded); the final notice keeps the ladder's 14 days from the late notice.
        Assert.Equal(("final-notice", "2026-12-07"), (c.GetProperty("nextStep").GetString(), c.GetProperty("nextEarliest").GetString()));
        Assert.Equal(["1001", "1004"], c.GetProperty("invoices").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(17250m, c.GetProperty("overdue").GetProperty("USD").GetDecimal());
        var hold = c.GetProperty("holds").EnumerateArray().Single();
        Assert.Equal(("1004", "dispute"), (hold.GetProperty("invoice").GetString(), hold.GetProperty("kind").GetString()));
        Assert.Contains(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("what").GetString()!.StartsWith("Approved by alice: formal late notice, giving the client until 30 Nov 2026"));
        Assert.Contains("Blue Ridge Outfitters (USD): USD 17,250.00 overdue on 2 invoices", human.Out);
        Assert.Contains("Stage: formal late notice (approved 23 Nov 2026)", human.Out);
        Assert.Contains("Next: final notice, from 7 Dec 2026", human.Out);
        Assert.Contains("On hold: 1004 is disputed (wrong quantity) until resolved", human.Out);
        Assert.DoesNotContain("late-notice", human.Out); // step titles in text, ids only in JSON
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No client matches 'Nobody Ltd'", unknown.Error);
    }

    [Fact]
    public async Task A_settled_case_is_not_forgotten_cases_all_and_chat_show_it_closed_with_its_history()
    {
        var monday = Clocks.At("2026-11-23T10:00:00Z");
        var tuesday = Clocks.At("2026-11-24T10:00:00Z");
        var approvers = new Dictionary<string, string?> { ["Chase:Approvers:0"] = "alice" };
        await Cli.RunAsync(monday, null, "run-once", "--folder", Samples.Folder, "--db", _db.Path);
        var blueRidge = JsonDocument.Parse((await Cli.RunAsync(monday, null, "cases", "Blue Ridge", "--json", "--db", _db.Path)).Out)
            .RootElement.EnumerateArray().Single();
        await Cli.RunAsync(monday, approvers, "decide", blueRidge.GetProperty("pendingProposal").GetInt64().ToString(), "approve",
            "--user", "alice", "--db", _db.Path);
        await Cli.RunAsync(monday, null, "chat", "paid 1001", "--db", _db.Path);
        await Cli.RunAsync(monday, null, "chat", "paid 1004", "--db", _db.Path);
        await Cli.RunAsync(tuesday, null, "run-once", "--folder", Samples.Folder, "--db", _db.Path); // the case closes

        var open = await Cli.RunAsync(tuesday, null, "cases", "Blue Ridge", "--db", _db.Path);
        var all = await Cli.RunAsync(tuesday, null, "cases", "--all", "--db", _db.Path);
        var json = await Cli.RunAsync(tuesday, null, "cases", "Blue Ridge", "--all", "--json", "--db", _db.Path);
        var chat = await Cli.RunAsync(tuesday, null, "chat", "case Blue Ridge", "--db", _db.Path);

        Assert.DoesNotContain("Closed", open.Out); // without --all, open cases only
        Assert.Contains("Closed (1):", all.Out);
        Assert.Contains("Blue Ridge Outfitters (USD): case opened 23 Nov 2026, closed 24 Nov 2026 (nothing overdue is left) · invoices: 1001, 1004", all.Out);
        Assert.Contains("Approved by alice: formal late notice", all.Out);
        var closed = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Single();
        Assert.Equal(("2026-11-24", "nothing overdue is left"), (closed.GetProperty("closedOn").GetString(), closed.GetProperty("closedReason").GetString()));
        Assert.Equal("Closed: nothing overdue is left", closed.GetProperty("timeline").EnumerateArray().Last().GetProperty("what").GetString());
        Assert.Contains("Nothing overdue now; no open case.", chat.Out);
        Assert.Contains("closed 24 Nov 2026 (nothing overdue is left)", chat.Out);
    }

    [Fact]
    public async Task Outbox_lists_what_is_held_and_digest_queues_one_for_the_next_allowed_hour()
    {
        var saturday = Clocks.At("2026-11-21T09:00:00Z");
        await Cli.RunAsync(saturday, null, "import", Samples.File("stripe-invoices.csv"), "--db", _db.Path);

        var digest = await Cli.RunAsync(saturday, null, "digest", "--db", _db.Path);
        var outbox = await Cli.RunAsync(saturday, null, "outbox", "--json", "--db", _db.Path);

        Assert.Contains("queued for the next allowed hour", digest.Out);
        var held = Assert.Single(JsonDocument.Parse(outbox.Out).RootElement.EnumerateArray());
        Assert.Equal(("digest", "waiting"), (held.GetProperty("kind").GetString(), held.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Chat_runs_any_chase_command_from_the_terminal_with_roles_for_the_given_user()
    {
        await Cli.RunAsync("import", Samples.File("xero-invoices-nz.csv"), "--db", _db.Path);
        var collectorsOnly = new Dictionary<string, string?> { ["Chat:Collectors:0"] = "bob" };

        var status = await Cli.RunAsync("chat", "status INV-0102", "--db", _db.Path);
        var refused = await Cli.RunAsync((TimeProvider?)null, collectorsOnly, "chat", "paid INV-0102 100", "--user", "eve", "--db", _db.Path);
        var paid = await Cli.RunAsync((TimeProvider?)null, collectorsOnly, "chat", "paid INV-0102 100", "--user", "bob", "--db", _db.Path);
        var promise = await Cli.RunAsync("chat", "promise INV-0101 tomorrow", "--as-of", "2026-12-01", "--db", _db.Path);

        Assert.Contains("INV-0102 · Tui Print & Design · NZD 650.00", status.Out);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("Chat:Collectors", refused.Error); // not eve's role: refused, exit 2
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Logged NZD 100.00", paid.Out);
        Assert.Equal(0, paid.ExitCode);
        Assert.Contains("by 2 Dec", promise.Out);
        var noSuchInvoice = await Cli.RunAsync("chat", "paid INV-9999 100", "--db", _db.Path);
        Assert.Equal(2, noSuchInvoice.ExitCode);
        Assert.Contains("There is no invoice \"INV-9999\"", noSuchInvoice.Error);
        await using var db = _db.Open();
        Assert.Equal("cli:bob", db.Payments.Single().RecordedBy);
    }

    [Theory]
    [InlineData("decide")]
    [InlineData("decide", "x", "approve")]
    [InlineData("decide", "1", "maybe")]
    [InlineData("decide", "1", "snooze", "--days", "400")]
    [InlineData("plan", "--as-of", "soon")]
    public async Task Bad_chase_arguments_print_usage_and_exit_2(params string[] args) =>
        Assert.Equal(2, (await Cli.RunAsync([.. args, "--db", _db.Path])).ExitCode);

    [Fact]
    public async Task A_bad_ladder_in_configuration_is_refused_at_start_with_every_problem_named()
    {
        var result = await Cli.RunAsync(null, new Dictionary<string, string?>
        {
            ["Chase:Ladder:reminder-2:Day"] = "2",
            ["Chase:Ladder:suspension:NeedsApproval"] = "false",
            ["Chase:TimeZone"] = "Mars/Olympus",
        }, "plan", "--db", _db.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("reminder-2 (day 2) must come after reminder-1", result.Error);
        Assert.Contains("suspension always needs a human decision", result.Error);
        Assert.Contains("Mars/Olympus", result.Error);
    }
}
