using System.Net;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Slack;

/// <summary>/slack/commands and /slack/interactions through the real Bot: authenticated before anything else.</summary>
public sealed class SlackEndpointTests : IAsyncLifetime
{
    private SlackBot _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await SlackBot.StartAsync();
        await _bot.Http.GetAsync("/healthz"); // starts the app, which migrates the database
        await _bot.Db.Importer(_bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private async Task<JsonObject> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? throw new InvalidOperationException("not JSON");

    [Fact]
    public async Task A_signed_status_command_is_answered_ephemerally_in_Block_Kit()
    {
        var response = await _bot.CommandAsync("status Kauri Digital Ltd");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        Assert.Equal("header", json["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Contains("INV-0101", json.ToJsonString());
        Assert.Contains("Owed as of", json["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_case_command_answers_with_the_clients_collection_in_Block_Kit()
    {
        var json = await Json(await _bot.CommandAsync("case kauri"));

        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        Assert.Equal("Collection case: Kauri Digital Ltd", json["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Contains("Next: formal late notice", json.ToJsonString());
    }

    [Fact]
    public async Task Status_public_posts_in_the_channel() =>
        Assert.Equal("in_channel", (await Json(await _bot.CommandAsync("status public")))["response_type"]!.GetValue<string>());

    [Fact]
    public async Task A_payment_logged_from_Slack_changes_the_ledger_and_names_the_Slack_user()
    {
        var response = await _bot.CommandAsync("paid INV-0102 100", user: "U123ABC");

        Assert.Contains("Logged NZD 100.00", (await Json(response))["text"]!.GetValue<string>());
        await using var db = _bot.Db.Open();
        Assert.Equal("slack:U123ABC", (await db.Payments.SingleAsync()).RecordedBy);
    }

    public static TheoryData<string, Func<SlackBot, Task<HttpResponseMessage>>> Forgeries => new()
    {
        { "wrong secret", b => b.PostAsync("/slack/commands", SlackBot.Form(("text", "paid INV-0102"), ("user_id", "U1")), secret: "not-the-secret") },
        { "stale", b => b.PostAsync("/slack/commands", SlackBot.Form(("text", "paid INV-0102"), ("user_id", "U1")), b.Timestamp(TimeSpan.FromMinutes(-6))) },
        { "future", b => b.PostAsync("/slack/commands", SlackBot.Form(("text", "paid INV-0102"), ("user_id", "U1")), b.Timestamp(TimeSpan.FromMinutes(6))) },
        { "tampered", b => b.PostAsync("/slack/commands", SlackBot.Form(("text", "status"), ("user_id", "U1")), tamper: body => body.Replace("status", "paid+INV-0102")) },
        { "unsigned", b => b.PostAsync("/slack/commands", SlackBot.Form(("text", "paid INV-0102"), ("user_id", "U1")), sign: false) },
        { "timestamp not a number", b => b.PostAsync("/slack/commands", SlackBot.Form(("text", "paid INV-0102"), ("user_id", "U1")), timestamp: "yesterday") },
        { "interaction, wrong secret", b => b.PostAsync("/slack/interactions", SlackBot.Form(("payload", "{}")), secret: "nope") },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Forged_stale_future_tampered_or_unsigned_requests_get_401_and_change_nothing(string why, Func<SlackBot, Task<HttpResponseMessage>> send)
    {
        var response = await send(_bot);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        await using var db = _bot.Db.Open();
        Assert.False(await db.Payments.AnyAsync());
    }

    [Fact]
    public async Task A_replayed_request_is_refused_even_inside_the_window()
    {
        var body = SlackBot.Form(("text", "paid INV-0102 10"), ("user_id", "U1"));
        var timestamp = _bot.Timestamp();

        var first = await _bot.PostAsync("/slack/commands", body, timestamp);
        var replay = await _bot.PostAsync("/slack/commands", body, timestamp);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (first.StatusCode, replay.StatusCode));
        await using var db = _bot.Db.Open();
        Assert.Equal(1, await db.Payments.CountAsync());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_is_read_for_meaning()
    {
        var response = await _bot.PostAsync("/slack/commands", SlackBot.Form(("text", new string('a', 100_000)), ("user_id", "U1")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_but_malformed_request_is_a_400_not_a_crash()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _bot.PostAsync("/slack/commands", "text=status")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _bot.PostAsync("/slack/interactions", SlackBot.Form(("payload", "{not json")))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _bot.PostAsync("/slack/interactions", SlackBot.Form(("payload", "[1,2]")))).StatusCode);
    }

    private async Task<long> PendingProposalAsync(string step = ChaseLadder.LateNotice)
    {
        await using var db = _bot.Db.Open();
        var invoice = await db.Invoices.SingleAsync(i => i.Number == "INV-0101");
        var proposal = new Proposal { InvoiceId = invoice.Id, Step = step, Status = ProposalStatus.Pending, ProposedOn = new DateOnly(2026, 11, 23) };
        db.Proposals.Add(proposal);
        await db.SaveChangesAsync();
        return proposal.Id;
    }

    private Task<HttpResponseMessage> ClickAsync(string user, string actionId, string value, int hook = 1)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user },
            ["channel"] = new JsonObject { ["id"] = "C1" },
            ["response_url"] = _bot.Slack.HooksUrl + $"actions/{hook}",
            ["message"] = new JsonObject
            {
                ["ts"] = "1700000000.000001",
                ["blocks"] = new JsonArray(
                    new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Proposal: formal late notice for INV-0101" } },
                    new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn",
                        ["text"] = "NZD 4,600.00 due 2026-10-15: 39 days past due.\n" + ChaseMessages.DecisionPending + " Approve to use the text below." } },
                    new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray() }),
            },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = actionId, ["value"] = value }),
        };
        return _bot.PostAsync("/slack/interactions", SlackBot.Form(("payload", payload.ToJsonString())));
    }

    [Fact]
    public async Task An_approver_clicking_approve_decides_and_the_message_is_updated_in_place_without_buttons()
    {
        var id = await PendingProposalAsync();

        var response = await ClickAsync("UAPPROVER", ProposalActions.Approve, id.ToString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = (await _bot.Slack.WaitForAsync("/hooks/actions/1")).Body;
        Assert.True(update["replace_original"]!.GetValue<bool>());
        var blocks = update["blocks"]!.AsArray();
        Assert.DoesNotContain(blocks, b => b!["type"]!.GetValue<string>() == "actions");
        Assert.Contains("approved by <@UAPPROVER> at 10:00 UTC on 23 Nov", blocks[^1]!["elements"]![0]!["text"]!.GetValue<string>());
        var section = blocks.Single(b => b!["type"]!.GetValue<string>() == "section")!["text"]!["text"]!.GetValue<string>();
        Assert.Equal("NZD 4,600.00 due 2026-10-15: 39 days past due.", section); // "nothing happens until decided" is gone
        await using var db = _bot.Db.Open();
        Assert.Equal((ProposalStatus.Approved, "slack:UAPPROVER"), (await db.Proposals.Select(p => new { p.Status, p.DecidedBy }).SingleAsync() is var d ? (d.Status, d.DecidedBy) : default));
        // The approver's Home no longer lists it as waiting.
        var home = await _bot.Slack.WaitForAsync("/api/views.publish");
        Assert.Equal("UAPPROVER", home.Body["user_id"]!.GetValue<string>());
        Assert.Contains("Nothing is waiting for a decision.", home.Body["view"]!.ToJsonString());
    }

    [Fact]
    public async Task Approving_a_proposal_whose_invoice_was_paid_since_withdraws_it_and_the_card_says_so_without_buttons()
    {
        var id = await PendingProposalAsync();
        await using (var db = _bot.Db.Open())
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Number == "INV-0101");
            (invoice.AmountPaid, invoice.AmountDue, invoice.Status) = (invoice.Total, 0, ChaseBot.Core.Ledger.InvoiceStatus.Paid);
            await db.SaveChangesAsync();
        }

        await ClickAsync("UAPPROVER", ProposalActions.Approve, id.ToString());

        var update = (await _bot.Slack.WaitForAsync("/hooks/actions/1")).Body;
        Assert.True(update["replace_original"]!.GetValue<bool>());
        var blocks = update["blocks"]!.AsArray();
        Assert.DoesNotContain(blocks, b => b!["type"]!.GetValue<string>() == "actions");
        Assert.StartsWith("Withdrawn: the formal late notice for INV-0101", blocks[^1]!["elements"]![0]!["text"]!.GetValue<string>());
        await using var after = _bot.Db.Open();
        Assert.Equal(ProposalStatus.Withdrawn, await after.Proposals.Select(p => p.Status).SingleAsync());
    }

    [Fact]
    public async Task A_second_click_on_a_decided_proposal_changes_nothing_and_says_so_privately()
    {
        var id = await PendingProposalAsync();
        await ClickAsync("UAPPROVER", ProposalActions.Approve, id.ToString(), hook: 1);
        await _bot.Slack.WaitForAsync("/hooks/actions/1");

        await ClickAsync("UAPPROVER", ProposalActions.Reject, id.ToString(), hook: 2);

        var answer = (await _bot.Slack.WaitForAsync("/hooks/actions/2")).Body;
        Assert.Equal(("ephemeral", false), (answer["response_type"]!.GetValue<string>(), answer["replace_original"]!.GetValue<bool>()));
        Assert.Contains("already approved by UAPPROVER", answer["text"]!.GetValue<string>());
        await using var db = _bot.Db.Open();
        Assert.Equal(ProposalStatus.Approved, await db.Proposals.Select(p => p.Status).SingleAsync());
    }

    [Fact]
    public async Task Someone_who_is_not_an_approver_is_refused_and_the_buttons_stay()
    {
        var id = await PendingProposalAsync();

        await ClickAsync("UINTERN", ProposalActions.Approve, id.ToString());

        var answer = (await _bot.Slack.WaitForAsync("/hooks/actions/1")).Body;
        Assert.False(answer["replace_original"]!.GetValue<bool>());
        Assert.Contains("UINTERN is not an approver", answer["text"]!.GetValue<string>());
        await using var db = _bot.Db.Open();
        Assert.Equal(ProposalStatus.Pending, await db.Proposals.Select(p => p.Status).SingleAsync());
    }

    [Fact]
    public async Task A_morale_answer_is_stored_and_the_prompt_is_replaced_by_the_reply()
    {
        long checkId;
        await using (var db = _bot.Db.Open())
        {
            var check = new Core.Morale.MoraleCheck { UserId = "UOWNER", Trigger = "weekly", AskedAt = DateTime.UtcNow };
            db.MoraleChecks.Add(check);
            await db.SaveChangesAsync();
            checkId = check.Id;
        }

        await ClickAsync("UOWNER", Core.Morale.MoraleCheckIns.AnswerAction, $"{checkId}:rough");

        var update = (await _bot.Slack.WaitForAsync("/hooks/actions/1")).Body;
        Assert.True(update["replace_original"]!.GetValue<bool>());
        Assert.Contains("not yours alone", update["blocks"]!.AsArray()[^1]!["elements"]![0]!["text"]!.GetValue<string>());
        await using var after = _bot.Db.Open();
        Assert.Equal("rough", await after.MoraleChecks.Select(c => c.Answer).SingleAsync());
        Assert.False(await after.Outbox.AnyAsync(m => m.Kind == "morale-reply")); // shown in place, not sent twice
    }

    private static string HomeOpenedCallback(string eventId, string user = "UAPPROVER") => new JsonObject
    {
        ["token"] = "deprecated", ["team_id"] = "T1", ["api_app_id"] = "A111", ["type"] = "event_callback", ["event_id"] = eventId,
        ["event_time"] = 1795000000,
        ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = user, ["channel"] = "D1", ["tab"] = "home", ["event_ts"] = "1795000000.000100" },
    }.ToJsonString();

    [Fact]
    public async Task The_events_URL_answers_Slacks_url_verification_challenge_only_when_signed()
    {
        var body = """{"token":"deprecated","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";

        var response = await _bot.PostAsync("/slack/events", body, contentType: "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", (await Json(response))["challenge"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _bot.PostAsync("/slack/events", body, contentType: "application/json", sign: false)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _bot.PostAsync("/slack/events", "{\"type\":\"what\"}", contentType: "application/json")).StatusCode);
    }

    [Fact]
    public async Task Opening_the_Home_tab_over_HTTP_publishes_it_once_even_when_Slack_retries_the_event()
    {
        Assert.Equal(HttpStatusCode.OK, (await _bot.PostAsync("/slack/events", HomeOpenedCallback("Ev0A1"), contentType: "application/json")).StatusCode);
        // Slack's retry (X-Slack-Retry-Num: 1) is signed anew, with the same event_id.
        _bot.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await _bot.PostAsync("/slack/events", HomeOpenedCallback("Ev0A1"), contentType: "application/json")).StatusCode);

        var publish = await _bot.Slack.WaitForAsync("/api/views.publish");
        await Task.Delay(300);
        Assert.Single(_bot.Slack.Calls, c => c.Path == "/api/views.publish");
        Assert.Equal("UAPPROVER", publish.Body["user_id"]!.GetValue<string>());
        var blocks = publish.Body["view"]!["blocks"]!.AsArray();
        BlockKitRules.AssertValid(blocks, BlockKitRules.HomeLimit);
        var text = string.Join("\n", blocks.Select(b => b!["text"]?["text"]?.GetValue<string>()));
        Assert.Contains("NZD", text); // the sample's overdue total, in the aging table
        Assert.Contains("No client has a collection case open.", text);
    }

    [Fact]
    public async Task A_Home_opened_while_the_ledger_is_read_again_is_published_at_once_with_the_totals_before_then_again_with_the_new_ones()
    {
        // Status:HomePatience 0: the Home never waits for its figures, as on a ledger where reading them takes a second.
        await using var bot = await SlackBot.StartAsync(extra: ("Status:HomePatience", "00:00:00"));
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync("/slack/events", HomeOpenedCallback("Ev0B1"), contentType: "application/json")).StatusCode);
        var first = Texts(await bot.Slack.WaitForAsync("/api/views.publish"));
        Assert.DoesNotContain(first, t => t.Contains("being read again", StringComparison.Ordinal));

        bot.Clock.Advance(TimeSpan.FromMinutes(5));
        string number;
        await using (var db = bot.Db.Open())
            number = await db.Invoices.Where(i => i.Status == InvoiceStatus.Open && i.DueDate < new DateOnly(2026, 11, 1)).OrderBy(i => i.Id).Select(i => i.Number).FirstAsync();
        var answer = await (await bot.CommandAsync($"paid {number}")).Content.ReadAsStringAsync();
        if (answer.Contains("Working on it", StringComparison.Ordinal)) // a cold start: the answer follows at the response_url
            answer = (await bot.Slack.WaitForAsync("/hooks/commands/1")).Body.ToJsonString();
        Assert.Contains("Logged", answer);
        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync("/slack/events", HomeOpenedCallback("Ev0B2"), contentType: "application/json")).StatusCode);

        await bot.Slack.WaitForAsync("/api/views.publish", count: 3);
        var published = bot.Slack.Calls.Where(c => c.Path == "/api/views.publish").ToList();
        var (before, after) = (Texts(published[1]), Texts(published[2]));
        Assert.Contains("These totals and figures are as of 10:00:00: the ledger changed a moment ago and is being read again. " +
                        "This tab shows the latest as soon as it is read.", before); // Chase:TimeZone is UTC here
        Assert.Equal(Table(first), Table(before));
        Assert.DoesNotContain(after, t => t.Contains("being read again", StringComparison.Ordinal));
        Assert.NotEqual(Table(first), Table(after)); // the payment is in it
        static string Table(List<string> texts) => texts.Single(t => t.StartsWith("```Currency", StringComparison.Ordinal));
        static List<string> Texts(SlackCall publish) => publish.Body["view"]!["blocks"]!.AsArray()
            .Select(b => b!["text"]?["text"]?.GetValue<string>() ?? b!["elements"]?[0]?["text"]?.GetValue<string>() ?? "").ToList();
    }

    [Fact]
    public async Task Approving_on_the_Home_tab_decides_the_proposal_and_publishes_the_Home_again_with_the_answer()
    {
        var id = await PendingProposalAsync();
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "UAPPROVER", ["name"] = "dana" },
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "V0HOME" },
            ["view"] = new JsonObject { ["id"] = "V0HOME", ["type"] = "home", ["blocks"] = new JsonArray() },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = ProposalActions.Approve, ["value"] = id.ToString(), ["block_id"] = $"actions:{id}" }),
        };

        var response = await _bot.PostAsync("/slack/interactions", SlackBot.Form(("payload", payload.ToJsonString())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var publish = await _bot.Slack.WaitForAsync("/api/views.publish");
        var blocks = publish.Body["view"]!["blocks"]!.AsArray();
        BlockKitRules.AssertValid(blocks, BlockKitRules.HomeLimit);
        Assert.StartsWith("Approved: formal late notice for Kauri Digital Ltd.", blocks[2]!["text"]!["text"]!.GetValue<string>());
        Assert.DoesNotContain(blocks, b => b!["type"]!.GetValue<string>() == "actions"); // nothing is waiting any more
        await using var db = _bot.Db.Open();
        Assert.Equal(ProposalStatus.Approved, await db.Proposals.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());
    }
}
