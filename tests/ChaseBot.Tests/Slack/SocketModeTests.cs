using System.Net;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Exports;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Slack;

/// <summary>
/// Slack without a public URL: the real Bot with only the two tokens, connecting out to a fake Socket Mode server on
/// 127.0.0.1 that sends real-shaped envelopes, asks for a refresh, drops sockets and delivers twice.
/// </summary>
public sealed class SocketModeTests : IAsyncLifetime
{
    private SlackBot _bot = null!;
    private int _envelopes;

    public async Task InitializeAsync()
    {
        // Socket Mode as a team without a public address sets it up: the bot token and the app token, no signing secret.
        _bot = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", "")]);
        await _bot.Http.GetAsync("/healthz");
        await _bot.Db.Importer(_bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private string NextEnvelope() => $"e{Interlocked.Increment(ref _envelopes)}-{Guid.NewGuid():N}";

    private JsonObject Command(string envelopeId, string text, string user = "U1", int retry = 0) =>
        _bot.Slack.CommandEnvelope(envelopeId, text, user, retry);

    private static JsonObject HomeOpened(string envelopeId, string user, string eventId) => new()
    {
        ["envelope_id"] = envelopeId,
        ["type"] = "events_api",
        ["accepts_response_payload"] = false,
        ["retry_attempt"] = 0,
        ["payload"] = new JsonObject
        {
            ["token"] = "deprecated", ["team_id"] = "T1", ["api_app_id"] = "A111", ["type"] = "event_callback", ["event_id"] = eventId,
            ["event_time"] = 1795000000,
            ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = user, ["channel"] = "D1", ["tab"] = "home", ["event_ts"] = "1795000000.000100" },
        },
    };

    private async Task<int> PaymentsAsync()
    {
        await using var db = _bot.Db.Open();
        return await db.Payments.CountAsync();
    }

    /// <summary>
    /// Every answer a person saw, whichever way it went: in an acknowledgement (Slack shows one response per envelope,
    /// however many acknowledgements carried it), or posted to its response_url.
    /// </summary>
    private List<string> Answers(string envelopeId) =>
        [.. _bot.Slack.Acks.Where(a => a.EnvelopeId == envelopeId && a.Payload is not null && a.Payload["text"]?.ToString() != "Working on it…")
             .Select(a => a.Payload!.ToJsonString()).Take(1),
         .. _bot.Slack.Calls.Where(c => c.Path == "/hooks/commands/" + envelopeId).Select(c => c.Body.ToJsonString())];

    [Fact]
    public async Task With_two_tokens_the_Bot_holds_two_connections_and_answers_a_command_in_its_acknowledgement()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);
        var id = NextEnvelope();

        await _bot.Slack.SendAsync(sockets[0], Command(id, "status Kauri Digital Ltd"));

        var ack = await _bot.Slack.WaitForAckAsync(id);
        Assert.Equal(sockets[0].Id, ack.Connection);
        Assert.Equal("ephemeral", ack.Payload!["response_type"]!.GetValue<string>());
        Assert.Equal("header", ack.Payload["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Contains("INV-0101", ack.Payload.ToJsonString());
        // Nothing listens on /slack/* without a signing secret: the Bot needs no public address at all.
        Assert.Equal(HttpStatusCode.NotFound, (await _bot.CommandAsync("status")).StatusCode);
        Assert.Contains(_bot.Slack.Calls, c => c.Path == "/api/apps.connections.open" && c.Authorization == $"Bearer {FakeSlack.AppToken}");
    }

    [Fact]
    public async Task The_same_roles_apply_over_Socket_Mode_as_over_HTTP()
    {
        await using var strict = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", ""),
            ("Chat:Collectors:0", "UCOLLECTOR")]);
        var sockets = await strict.Slack.WaitForOpenSocketsAsync(2);
        var id = NextEnvelope();
        var command = strict.Slack.CommandEnvelope(id, "paid INV-0102 100", user: "UVIEWER");

        await strict.Slack.SendAsync(sockets[1], command);

        var ack = await strict.Slack.WaitForAckAsync(id);
        Assert.Contains("Only collectors can change the ledger", ack.Payload!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Frames_ChaseBot_cannot_read_are_acknowledged_or_ignored_and_the_connection_goes_on()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);
        var odd = Command("odd-1", "paid INV-0102 100");
        odd["payload"]!["user_id"] = 12345; // not a user id Slack would send

        await _bot.Slack.SendRawAsync(sockets[0], "{not json");
        await _bot.Slack.SendAsync(sockets[0], odd);
        await _bot.Slack.SendAsync(sockets[0], new JsonObject { ["envelope_id"] = "odd-2", ["type"] = "a_future_kind", ["payload"] = new JsonObject() });
        await _bot.Slack.SendAsync(sockets[0], new JsonObject { ["envelope_id"] = "odd-3", ["type"] = "interactive",
            ["payload"] = new JsonObject { ["type"] = "view_submission" } });
        var id = NextEnvelope();
        await _bot.Slack.SendAsync(sockets[0], Command(id, "help"));

        Assert.Contains("ChaseBot commands", (await _bot.Slack.WaitForAckAsync(id)).Payload!.ToJsonString());
        foreach (var acked in new[] { "odd-1", "odd-2", "odd-3" })
            Assert.Null((await _bot.Slack.WaitForAckAsync(acked)).Payload);
        Assert.Equal(0, await PaymentsAsync());
        Assert.False(sockets[0].Closed.Task.IsCompleted);
    }

    [Fact]
    public async Task A_command_delivered_twice_on_two_connections_is_processed_once()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);
        var id = NextEnvelope();

        await _bot.Slack.SendAsync(sockets[0], Command(id, "paid INV-0102 100"));
        await _bot.Slack.SendAsync(sockets[1], Command(id, "paid INV-0102 100", retry: 1));

        await _bot.Slack.WaitForAckAsync(id, count: 2);
        var answers = Answers(id);
        Assert.Single(answers);
        Assert.Contains("Logged NZD 100.00", answers[0]);
        Assert.Equal(1, await PaymentsAsync());
    }

    [Fact]
    public async Task A_refresh_opens_the_next_connection_before_the_old_one_closes_and_the_old_one_still_delivers()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);
        var old = sockets[0];

        await _bot.Slack.DisconnectAsync(old, "refresh_requested", after: TimeSpan.FromSeconds(4));

        var now = await _bot.Slack.WaitForOpenSocketsAsync(3, opened: 3);
        Assert.Contains(now, s => s.Id == old.Id); // the replacement is open while the old one still is
        var lateOnOld = NextEnvelope();
        await _bot.Slack.SendAsync(old, Command(lateOnOld, "status INV-0101"));
        Assert.Contains("INV-0101", (await _bot.Slack.WaitForAckAsync(lateOnOld)).Payload!.ToJsonString());
        await old.Closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var onNew = NextEnvelope();
        await _bot.Slack.SendAsync(now.Last(), Command(onNew, "status INV-0101"));
        Assert.Equal(now.Last().Id, (await _bot.Slack.WaitForAckAsync(onNew)).Connection);
        Assert.Equal(2, (await _bot.Slack.WaitForOpenSocketsAsync(2)).Count);
    }

    [Fact]
    public async Task A_dropped_socket_is_reopened_and_a_command_redelivered_there_is_answered_once()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);
        var id = NextEnvelope();

        // The command goes out and the connection drops before any acknowledgement can come back on it.
        await _bot.Slack.SendAsync(sockets[0], Command(id, "paid INV-0102 100"));
        FakeSlack.Drop(sockets[0]);
        var reopened = await _bot.Slack.WaitForOpenSocketsAsync(2, opened: 3);
        // Slack saw no acknowledgement, so it delivers the envelope again, to another connection.
        await _bot.Slack.SendAsync(reopened.Last(), Command(id, "paid INV-0102 100", retry: 1));

        await _bot.Slack.WaitForAckAsync(id);
        for (var i = 0; i < 200 && Answers(id).Count == 0; i++)
            await Task.Delay(25);
        await Task.Delay(300); // room for a second answer, were there one
        var answers = Answers(id);
        Assert.Single(answers);
        Assert.Contains("Logged NZD 100.00", answers[0]);
        Assert.Equal(1, await PaymentsAsync());
        Assert.DoesNotContain(reopened, s => s.Id == sockets[0].Id);
    }

    [Fact]
    public async Task A_connection_that_stops_answering_pings_is_given_up_and_replaced()
    {
        await using var bot = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", ""),
            ("Slack:SocketPingInterval", "00:00:01")]);
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        bot.Slack.SilenceNext = true;

        FakeSlack.Drop(sockets[0]); // its replacement is the one that will go silent
        var silent = (await bot.Slack.WaitForOpenSocketsAsync(2, opened: 3)).Single(s => s.Id == 3);

        await silent.Closed.Task.WaitAsync(TimeSpan.FromSeconds(15)); // the Bot's unanswered ping gave it up
        var open = await bot.Slack.WaitForOpenSocketsAsync(2, opened: 4);
        var id = NextEnvelope();
        await bot.Slack.SendAsync(open.Last(), bot.Slack.CommandEnvelope(id, "help"));
        Assert.Contains("ChaseBot commands", (await bot.Slack.WaitForAckAsync(id)).Payload!.ToJsonString());
    }

    [Fact]
    public async Task A_connection_that_keeps_dropping_right_after_its_hello_is_reopened_with_backoff_not_in_a_loop()
    {
        await using var bot = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", ""),
            ("Slack:SocketConnections", "1")]);
        await bot.Slack.WaitForOpenSocketsAsync(1);
        bot.Slack.DropAfterHello = true;

        FakeSlack.Drop(bot.Slack.Sockets.Single());
        await Task.Delay(4000);

        // At once after the first drop, then about 1 s, then 2 s…: a handful of connections in 4 s, not dozens.
        Assert.InRange(bot.Slack.Sockets.Count, 3, 8);
        bot.Slack.DropAfterHello = false;
        await bot.Slack.WaitForOpenSocketsAsync(1);
    }

    [Fact]
    public async Task Link_disabled_stops_the_Bot_from_reconnecting()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);

        await _bot.Slack.DisconnectAsync(sockets[0], "link_disabled", after: TimeSpan.FromMilliseconds(200));

        await sockets[0].Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await sockets[1].Closed.Task.WaitAsync(TimeSpan.FromSeconds(10)); // every connection goes, not only the one told
        await Task.Delay(1000); // a reconnection would be immediate
        Assert.Equal(2, _bot.Slack.Sockets.Count);
    }

    [Fact]
    public async Task A_refused_app_token_is_retried_with_backoff_and_a_later_good_answer_connects()
    {
        await using var bot = await SlackBot.StartAsync(prepare: slack => slack.RefuseConnections = "invalid_auth",
            extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", "")]);
        await Task.Delay(1500);
        var attempts = bot.Slack.Calls.Count(c => c.Path == "/api/apps.connections.open");
        bot.Slack.RefuseConnections = null;

        await bot.Slack.WaitForOpenSocketsAsync(2);
        Assert.InRange(attempts, 2, 8); // each connection tried again, but not in a tight loop
    }

    [Fact]
    public async Task Two_Bot_replicas_each_holding_connections_process_an_envelope_delivered_to_both_once()
    {
        await _bot.Slack.WaitForOpenSocketsAsync(2);
        await using var replica = _bot.AnotherReplica();
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(4);
        var id = NextEnvelope();

        await Task.WhenAll(_bot.Slack.SendAsync(sockets[0], Command(id, "paid INV-0102 100")),
            _bot.Slack.SendAsync(sockets[3], Command(id, "paid INV-0102 100", retry: 1)));

        await _bot.Slack.WaitForAckAsync(id, count: 2);
        Assert.Single(Answers(id));
        Assert.Equal(1, await PaymentsAsync());
    }

    [Fact]
    public async Task A_proposal_approved_over_Socket_Mode_is_acknowledged_at_once_and_its_card_updated()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);
        long proposalId;
        await using (var db = _bot.Db.Open())
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Number == "INV-0101");
            var proposal = new Proposal { InvoiceId = invoice.Id, Step = ChaseLadder.LateNotice, Status = ProposalStatus.Pending, ProposedOn = new DateOnly(2026, 11, 23) };
            db.Proposals.Add(proposal);
            await db.SaveChangesAsync();
            proposalId = proposal.Id;
        }
        var id = NextEnvelope();

        await _bot.Slack.SendAsync(sockets[0], new JsonObject
        {
            ["envelope_id"] = id, ["type"] = "interactive", ["accepts_response_payload"] = false,
            ["payload"] = new JsonObject
            {
                ["type"] = "block_actions", ["user"] = new JsonObject { ["id"] = "UAPPROVER", ["name"] = "dana" },
                ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000001", ["channel_id"] = "C1" },
                ["channel"] = new JsonObject { ["id"] = "C1" }, ["response_url"] = _bot.Slack.HooksUrl + "actions/socket",
                ["message"] = new JsonObject { ["ts"] = "1700000000.000001", ["blocks"] = new JsonArray() },
                ["actions"] = new JsonArray(new JsonObject { ["action_id"] = ProposalActions.Approve, ["value"] = proposalId.ToString() }),
            },
        });

        Assert.Null((await _bot.Slack.WaitForAckAsync(id)).Payload);
        var update = (await _bot.Slack.WaitForAsync("/hooks/actions/socket")).Body;
        Assert.Contains("approved by <@UAPPROVER>", update["blocks"]!.AsArray()[^1]!["elements"]![0]!["text"]!.GetValue<string>());
        await using var after = _bot.Db.Open();
        Assert.Equal(ProposalStatus.Approved, await after.Proposals.Select(p => p.Status).SingleAsync());
    }

    [Fact]
    public async Task Opening_the_Home_tab_over_Socket_Mode_publishes_it_once_however_often_the_event_comes()
    {
        var sockets = await _bot.Slack.WaitForOpenSocketsAsync(2);

        await _bot.Slack.SendAsync(sockets[0], HomeOpened("h1", "UAPPROVER", "Ev0HOME1"));
        await _bot.Slack.SendAsync(sockets[1], HomeOpened("h2", "UAPPROVER", "Ev0HOME1")); // Slack's retry of the same event

        var publish = await _bot.Slack.WaitForAsync("/api/views.publish");
        await _bot.Slack.WaitForAckAsync("h2");
        await Task.Delay(300);
        Assert.Single(_bot.Slack.Calls, c => c.Path == "/api/views.publish");
        Assert.Equal("UAPPROVER", publish.Body["user_id"]!.GetValue<string>());
        Assert.Equal($"Bearer {FakeSlack.Token}", publish.Authorization);
        Assert.Equal("home", publish.Body["view"]!["type"]!.GetValue<string>());
        BlockKitRules.AssertValid(publish.Body["view"]!["blocks"]!.AsArray(), BlockKitRules.HomeLimit);
        Assert.Contains("NZD", publish.Body["view"]!.ToJsonString());
    }

    [Fact]
    public async Task The_Bot_process_started_as_the_README_says_answers_a_command_and_opens_the_Home_with_only_outbound_connections()
    {
        await using var slack = await FakeSlack.StartAsync();
        var userData = Directory.CreateTempSubdirectory("chasebot-socket-home-").FullName;
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ChaseBot.Bot.dll"), "--urls", Loopback.FreeUrl()])
        {
            WorkingDirectory = userData, RedirectStandardOutput = true, UseShellExecute = false,
        };
        start.Environment["XDG_DATA_HOME"] = userData;
        start.Environment["Slack__BotToken"] = FakeSlack.Token;
        start.Environment["Slack__AppToken"] = FakeSlack.AppToken;
        start.Environment["Slack__ApiBaseUrl"] = slack.ApiUrl; // Slack's API, here the fake on 127.0.0.1
        using var bot = System.Diagnostics.Process.Start(start)!;
        try
        {
            var sockets = await slack.WaitForOpenSocketsAsync(2);
            var id = NextEnvelope();
            await slack.SendAsync(sockets[0], slack.CommandEnvelope(id, "status"));
            await slack.SendAsync(sockets[1], HomeOpened("home-1", "U1", "Ev0PROCESS"));

            var ack = await slack.WaitForAckAsync(id);
            Assert.Equal("ephemeral", ack.Payload!["response_type"]!.GetValue<string>());
            Assert.Contains("Nothing outstanding", ack.Payload["text"]!.GetValue<string>());
            var home = await slack.WaitForAsync("/api/views.publish");
            Assert.Equal("U1", home.Body["user_id"]!.GetValue<string>());
            BlockKitRules.AssertValid(home.Body["view"]!["blocks"]!.AsArray(), BlockKitRules.HomeLimit);
        }
        finally
        {
            bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(userData, recursive: true);
        }
    }
}
