using System.Text.Json.Nodes;
using ChaseBot.Core.Delivery;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Slack;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Slack;

/// <summary>The Worker's outbox delivering to a fake Slack Web API on 127.0.0.1.</summary>
public sealed class SlackDeliveryTests : IAsyncLifetime
{
    private FakeSlack _slack = null!;
    private ChaseHarness _h = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _h = new ChaseHarness();
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _slack.DisposeAsync();
    }

    private (OutboxDrainer Drainer, SlackApiClient Api) Slack(TimeSpan? pace = null, TimeSpan? timeout = null)
    {
        var options = Options.Create(new SlackOptions { BotToken = FakeSlack.Token, SigningSecret = "s", ApiBaseUrl = _slack.ApiUrl });
        var api = new SlackApiClient(new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(5) }, options, TimeProvider.System);
        var platform = new SlackPlatform(api, new ChannelPacer(TimeProvider.System, pace ?? TimeSpan.FromMilliseconds(300)),
            NullLogger<SlackPlatform>.Instance, charts: _h.Get<DigestCharts>());
        return (new OutboxDrainer(_h.Db.Factory, platform, _h.Clock), api);
    }

    [Fact]
    public async Task Reminders_are_posted_to_the_clients_channel_with_the_bot_token_as_JSON_in_Block_Kit()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd", c => (c.Channel, c.OwnerUserId) = ("C0KAURI", "U0OWNER")), "K-1", 3);
        await _h.Runner.RunAsync();

        var result = await Slack().Drainer.DrainAsync();

        Assert.Equal(1, result.Delivered);
        var call = Assert.Single(_slack.Calls);
        Assert.Equal(("/api/chat.postMessage", "Bearer xoxb-test-token"), (call.Path, call.Authorization));
        Assert.StartsWith("application/json", call.ContentType);
        Assert.Equal("C0KAURI", call.Body["channel"]!.GetValue<string>());
        Assert.Contains("Kauri Digital Ltd: 1 invoice overdue", call.Body["text"]!.GetValue<string>());
        var blocks = call.Body["blocks"]!.AsArray();
        Assert.Equal("header", blocks[0]!["type"]!.GetValue<string>());
        Assert.Equal("<@U0OWNER>", blocks[1]!["elements"]![0]!["text"]!.GetValue<string>());
        Assert.Contains(blocks, b => b!["text"]?["text"]?.GetValue<string>().StartsWith("*Email draft*") == true);
    }

    [Fact]
    public async Task The_digest_arrives_with_its_chart_uploaded_in_Slacks_three_steps_and_shared_with_its_words()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m);
        await _h.InvoiceAsync(await _h.ClientAsync("Tui Print"), "T-1", 5, 800m);
        Assert.True(await _h.Digest.PostScheduledAsync());

        Assert.Equal(1, (await Slack().Drainer.DrainAsync()).Delivered);

        var calls = _slack.Calls.ToList();
        Assert.Equal(["/api/files.getUploadURLExternal", "/upload/F00000001", "/api/files.completeUploadExternal"], calls.Select(c => c.Path));
        await using var db = _h.Db.Open();
        var chart = Assert.Single(db.DigestCharts);
        // The bytes Slack received are the chart the ledger keeps, a PNG; its words go with it as alt text.
        Assert.Equal(chart.Png, _slack.Uploads["F00000001"]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], _slack.Uploads["F00000001"][..4]);
        Assert.Equal(chart.Png.Length.ToString(), calls[0].Body["length"]!.GetValue<string>());
        Assert.Matches(@"^receivables-2026-11-23-[0-9a-f]{8}\.png$", calls[0].Body["filename"]!.GetValue<string>()); // the key's tag finds it after a crash
        Assert.Equal(chart.AltText, calls[0].Body["alt_txt"]!.GetValue<string>());
        Assert.Contains("USD: not yet due 0.00, 1-30 days 800.00, 31-60 2,500.00", chart.AltText);
        Assert.StartsWith("application/x-www-form-urlencoded", calls[0].ContentType);
        Assert.Equal("Bearer xoxb-test-token", calls[0].Authorization);
        Assert.True(string.IsNullOrEmpty(calls[1].Authorization), "the bot token went to the upload address");
        // Shared into the digest's channel, the digest's words as the message's blocks.
        var complete = calls[2].Body;
        Assert.Equal("#accounts-receivable", complete["channel_id"]!.GetValue<string>());
        Assert.Equal("F00000001", JsonNode.Parse(complete["files"]!.GetValue<string>())![0]!["id"]!.GetValue<string>());
        var blocks = JsonNode.Parse(complete["blocks"]!.GetValue<string>())!.AsArray();
        BlockKitRules.AssertValid(blocks, BlockKitRules.MessageLimit);
        Assert.Equal("Accounts receivable digest, Monday 23 November 2026", blocks[0]!["text"]!["text"]!.GetValue<string>());
        Assert.Contains(blocks, b => b!["text"]?["text"]?.GetValue<string>().Contains("USD: 3,300.00 owed, 3,300.00 overdue") == true);
        Assert.DoesNotContain(calls, c => c.Path == "/api/chat.postMessage");
        Assert.Equal("#accounts-receivable/F00000001", db.Outbox.Single().PlatformMessageId);
    }

    [Fact]
    public async Task Without_files_write_the_digest_goes_as_words_alone_and_says_nothing_twice()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m);
        Assert.True(await _h.Digest.PostScheduledAsync());
        _slack.Script(new SlackAnswer(Json: """{"ok":false,"error":"missing_scope","needed":"files:write"}"""));

        Assert.Equal(1, (await Slack().Drainer.DrainAsync()).Delivered);

        Assert.Equal(["/api/files.getUploadURLExternal", "/api/chat.postMessage"], _slack.Calls.Select(c => c.Path));
        Assert.Contains("USD: 2,500.00 owed", _slack.Calls.Last().Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_digest_whose_upload_Slack_cannot_take_now_is_retried_whole_with_nothing_shared_before()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m);
        Assert.True(await _h.Digest.PostScheduledAsync());
        _slack.Script(new SlackAnswer(Status: 503), new SlackAnswer(Status: 503), new SlackAnswer(Status: 503));

        var first = await Slack().Drainer.DrainAsync();

        Assert.Equal(0, first.Delivered);
        Assert.DoesNotContain(_slack.Calls, c => c.Path is "/api/files.completeUploadExternal" or "/api/chat.postMessage");
        _h.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, (await Slack().Drainer.DrainAsync()).Delivered);
        Assert.Single(_slack.Calls, c => c.Path == "/api/files.completeUploadExternal");
    }

    [Fact]
    public async Task A_digest_shared_before_the_Worker_stopped_is_found_by_its_files_name_and_not_shared_again()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m);
        Assert.True(await _h.Digest.PostScheduledAsync());
        Assert.Equal(1, (await Slack().Drainer.DrainAsync()).Delivered);
        // As if the Worker had been killed after Slack shared it, before the delivery was recorded.
        var claimedAt = _h.Clock.GetUtcNow().UtcDateTime;
        await _h.QueryAsync(db => db.Outbox.ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredAt, (DateTime?)null)
            .SetProperty(m => m.ClaimedUntil, claimedAt.AddSeconds(-1))));

        Assert.Equal(1, (await Slack().Drainer.DrainAsync()).Delivered);

        Assert.Single(_slack.Calls, c => c.Path == "/api/files.completeUploadExternal");
        Assert.Single(_slack.Calls, c => c.Path == "/api/conversations.history");
        Assert.Equal("#accounts-receivable/F00000001", (await _h.OutboxAsync()).Single().PlatformMessageId);
    }

    [Fact]
    public async Task A_post_in_flight_when_the_Worker_stopped_is_found_by_its_key_and_recorded_not_posted_twice()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd", c => c.Channel = "C0KAURI"), "K-1", 3);
        await _h.InvoiceAsync(await _h.ClientAsync("Tui Print", c => c.Channel = "C0TUI"), "T-1", 3);
        await _h.Runner.RunAsync();
        var (drainer, api) = Slack();
        // A Worker claimed both and was killed: Kauri's post had reached Slack (with its key), Tui's had not.
        var rows = await _h.OutboxAsync();
        var kauri = rows.Single(m => m.Target == "C0KAURI");
        var message = BlockKit.Message(ChatMessage.FromJson(kauri.Body));
        message["metadata"] = new JsonObject { ["event_type"] = SlackPlatform.OutboxEvent, ["event_payload"] = new JsonObject { ["key"] = kauri.Key } };
        var (_, ts) = await api.PostAsync("C0KAURI", message, CancellationToken.None);
        var claimedAt = _h.Clock.GetUtcNow().UtcDateTime;
        await _h.QueryAsync(db => db.Outbox.ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, claimedAt.AddSeconds(-1))));

        var result = await drainer.DrainAsync();

        Assert.Equal(2, result.Delivered);
        Assert.Single(_slack.Calls, c => c.Path == "/api/chat.postMessage" && c.Body["channel"]!.GetValue<string>() == "C0KAURI"); // ours, above
        var tui = Assert.Single(_slack.Calls, c => c.Path == "/api/chat.postMessage" && c.Body["channel"]!.GetValue<string>() == "C0TUI");
        Assert.Equal(rows.Single(m => m.Target == "C0TUI").Key, tui.Body["metadata"]!["event_payload"]!["key"]!.GetValue<string>());
        Assert.Equal(2, _slack.Calls.Count(c => c.Path == "/api/conversations.history")); // one read per row that was in flight
        Assert.Equal($"C0KAURI/{ts}", (await _h.OutboxAsync()).Single(m => m.Target == "C0KAURI").PlatformMessageId);
    }

    [Fact]
    public async Task Every_post_carries_its_outbox_key_and_a_first_attempt_reads_no_history()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd", c => c.Channel = "C0KAURI"), "K-1", 3);
        await _h.Runner.RunAsync();

        await Slack().Drainer.DrainAsync();

        var post = Assert.Single(_slack.Calls);
        Assert.Equal((SlackPlatform.OutboxEvent, (await _h.OutboxAsync()).Single().Key),
            (post.Body["metadata"]!["event_type"]!.GetValue<string>(), post.Body["metadata"]!["event_payload"]!["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_posted_proposal_withdrawn_from_chat_is_rewritten_in_place_without_its_buttons()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd", c => c.Channel = "C0KAURI"), "K-1", 25);
        await _h.Runner.RunAsync();
        var (drainer, _) = Slack();
        await drainer.DrainAsync();
        var posted = Assert.Single(_slack.Calls);

        var reply = await _h.SayAsync("paid K-1", "UAPPROVER");
        await drainer.DrainAsync();

        Assert.Contains("Withdrawn: the formal late notice for Kauri Digital Ltd", reply);
        var update = Assert.Single(_slack.Calls, c => c.Path == "/api/chat.update");
        Assert.Equal("/api/chat.postMessage", posted.Path);
        // The channel and the ts Slack gave the post.
        Assert.Equal(("C0KAURI", "1700000000.000001"), (update.Body["channel"]!.GetValue<string>(), update.Body["ts"]!.GetValue<string>()));
        var text = update.Body.ToJsonString();
        Assert.DoesNotContain("\"actions\"", text);
        Assert.DoesNotContain("Nothing is sent or changed until an approver decides", text);
        Assert.Contains("paid in full", text);
        Assert.Equal(2, _slack.Calls.Count); // rewritten once; a second drain sends nothing more
        await drainer.DrainAsync();
        Assert.Equal(2, _slack.Calls.Count);
    }

    [Fact]
    public async Task Morale_check_ins_go_by_direct_message_to_the_owner()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("A", c => c.OwnerUserId = "U0OWNER"), "A-1", 10);
        await _h.Morale.AskAsync(includeWeekly: true);

        await Slack().Drainer.DrainAsync();

        var calls = _slack.Calls.ToList();
        Assert.Equal(["/api/conversations.open", "/api/chat.postMessage"], calls.Select(c => c.Path));
        Assert.Equal("U0OWNER", calls[0].Body["users"]!.GetValue<string>());
        Assert.Equal("DU0OWNER", calls[1].Body["channel"]!.GetValue<string>());
        Assert.Equal("morale.answer", calls[1].Body["blocks"]!.AsArray()[^1]!["elements"]![0]!["action_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_429_is_waited_out_exactly_by_Retry_After_then_delivered()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("A"), "A-1", 3);
        await _h.Runner.RunAsync();
        _slack.Script(new SlackAnswer(Status: 429, Json: """{"ok":false,"error":"ratelimited"}""", RetryAfter: 1));

        var result = await Slack().Drainer.DrainAsync();

        Assert.Equal(1, result.Delivered);
        var calls = _slack.Calls.ToList();
        Assert.Equal(2, calls.Count);
        var waited = calls[1].At - calls[0].At;
        Assert.True(waited >= TimeSpan.FromSeconds(0.95) && waited < TimeSpan.FromSeconds(3), $"waited {waited}");
    }

    [Fact]
    public async Task Server_errors_and_dropped_connections_are_retried_with_backoff()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("A"), "A-1", 3);
        await _h.Runner.RunAsync();
        _slack.Script(new SlackAnswer(Status: 503), new SlackAnswer(Drop: true));

        var result = await Slack().Drainer.DrainAsync();

        Assert.Equal(1, result.Delivered);
        Assert.Equal(3, _slack.Calls.Count);
    }

    [Fact]
    public async Task A_response_slower_than_the_client_waits_is_a_timeout_that_is_retried()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("A"), "A-1", 3);
        await _h.Runner.RunAsync();
        _slack.Script(new SlackAnswer(Delay: TimeSpan.FromSeconds(2)));

        var result = await Slack(timeout: TimeSpan.FromMilliseconds(500)).Drainer.DrainAsync();

        Assert.Equal(1, result.Delivered);
        Assert.Equal(2, _slack.Calls.Count);
    }

    [Fact]
    public async Task A_permanent_error_is_dead_lettered_with_Slacks_reason_and_not_retried()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("A", c => c.Channel = "C0GONE"), "A-1", 3);
        await _h.Runner.RunAsync();
        _slack.Script(new SlackAnswer(Json: """{"ok":false,"error":"channel_not_found"}"""));

        var result = await Slack().Drainer.DrainAsync();

        Assert.Equal(1, result.DeadLettered);
        Assert.Single(_slack.Calls);
        var message = Assert.Single(await _h.OutboxAsync());
        Assert.Contains("channel_not_found", message.LastError);
        Assert.Contains("1 message could not be delivered; the latest: SlackApiException: Slack chat.postMessage failed: channel_not_found",
            await _h.SayAsync("status"));
    }

    [Fact]
    public async Task Posts_to_one_channel_are_paced_while_other_channels_are_not_held_up()
    {
        for (var i = 0; i < 3; i++)
            await _h.InvoiceAsync(await _h.ClientAsync($"Same {i}", c => c.Channel = "C0SAME"), $"S-{i}", 3);
        await _h.InvoiceAsync(await _h.ClientAsync("Other", c => c.Channel = "C0OTHER"), "O-1", 3);
        await _h.Runner.RunAsync();

        await Slack(pace: TimeSpan.FromMilliseconds(500)).Drainer.DrainAsync();

        var same = _slack.Calls.Where(c => c.Body["channel"]?.GetValue<string>() == "C0SAME").Select(c => c.At).ToList();
        Assert.Equal(3, same.Count);
        for (var i = 1; i < same.Count; i++)
            Assert.True(same[i] - same[i - 1] >= TimeSpan.FromMilliseconds(450), $"gap {same[i] - same[i - 1]}");
        var other = _slack.Calls.Single(c => c.Body["channel"]?.GetValue<string>() == "C0OTHER").At;
        Assert.True(other < same[1], "the other channel waited behind the busy one");
    }

    [Fact]
    public async Task A_client_with_200_overdue_invoices_gets_one_message_within_Block_Kit_limits()
    {
        var client = await _h.ClientAsync("Huge Account Ltd");
        for (var i = 0; i < 200; i++)
            await _h.InvoiceAsync(client, $"H-{i:D3}", 3 + i % 10, 1234.56m);
        await _h.Runner.RunAsync();

        await Slack().Drainer.DrainAsync();

        var call = Assert.Single(_slack.Calls);
        var blocks = call.Body["blocks"]!.AsArray();
        BlockKitRules.AssertValid(blocks, BlockKitRules.MessageLimit);
        Assert.False(string.IsNullOrWhiteSpace(call.Body["text"]!.GetValue<string>()));
        Assert.Contains("200 invoices overdue", call.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_client_updates_and_posts_ephemerally_with_the_fields_Slack_expects()
    {
        var (_, api) = Slack();

        await api.UpdateAsync("C0AR", "1700000000.000001", BlockKit.Message(new ChatMessage { Title = "Updated" }), CancellationToken.None);
        await api.PostEphemeralAsync("C0AR", "U0ANA", BlockKit.Message(new ChatMessage { Title = "Just for you" }), CancellationToken.None);
        _slack.Script(new SlackAnswer(Json: """{"ok":false,"error":"invalid_auth"}"""));
        var error = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync("C0AR", new JsonObject { ["text"] = "x" }, CancellationToken.None));

        var calls = _slack.Calls.ToList();
        Assert.Equal(("/api/chat.update", "C0AR", "1700000000.000001"),
            (calls[0].Path, calls[0].Body["channel"]!.GetValue<string>(), calls[0].Body["ts"]!.GetValue<string>()));
        Assert.Equal(("/api/chat.postEphemeral", "U0ANA"), (calls[1].Path, calls[1].Body["user"]!.GetValue<string>()));
        Assert.Equal("invalid_auth", error.Error);
    }

    [Fact]
    public void User_text_cannot_ping_a_channel_or_break_out_of_a_mention()
    {
        var message = BlockKit.Message(new ChatMessage { Title = "x", Lines = ["<!channel> & <@U123> say hi"], Mentions = ["not a slack id"] });
        var json = message.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("&lt;!channel&gt; &amp; &lt;@U123&gt;", json);
        Assert.Contains("@not a slack id", json);
    }

    [Fact]
    public void Critical_steps_ask_for_confirmation_on_approve()
    {
        var approve = new ChatAction("proposal.approve", "Approve", "7", "primary", "Approve suspend access for Kauri?");
        var blocks = BlockKit.Message(new ChatMessage { Title = "Proposal", Actions = [approve] })["blocks"]!.AsArray();
        var button = blocks[^1]!["elements"]![0]!;
        Assert.Equal("Approve suspend access for Kauri?", button["confirm"]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("primary", button["style"]!.GetValue<string>());
    }

    [Fact]
    public void A_whole_sentence_is_shown_as_text_and_a_title_as_a_heading_in_Slack_and_Teams()
    {
        var refusal = new ChatMessage { Title = "There is no client \"Acme\".", Lines = ["Did you mean: Acme Ltd?"] };
        var heading = new ChatMessage { Title = "Collection case: Kauri Digital Ltd" };

        Assert.Equal("section", BlockKit.Message(refusal)["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("header", BlockKit.Message(heading)["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Null(Core.Teams.AdaptiveCards.Card(refusal)["body"]![0]!["size"]);
        Assert.Equal("Medium", Core.Teams.AdaptiveCards.Card(heading)["body"]![0]!["size"]!.GetValue<string>());
    }
}
