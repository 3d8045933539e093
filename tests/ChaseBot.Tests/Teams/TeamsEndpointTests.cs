using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Tests.Teams;

/// <summary>/api/messages through the real Bot, with tokens signed by a test key served from a local OpenID endpoint.</summary>
public sealed class TeamsEndpointTests : IAsyncLifetime
{
    private const string Approver = "aad-approver";
    private TeamsBot _bot = null!;
    private TestDatabase _db => _bot.Db;
    private FakeTimeProvider _clock => _bot.Clock;
    private FakeBotConnector _connector => _bot.Connector;
    private RSA _key => _bot.Key;
    private HttpClient _http => _bot.Http;

    public async Task InitializeAsync() =>
        _bot = await TeamsBot.StartAsync(new Dictionary<string, string?> { ["Chase:Approvers:0"] = "teams:" + Approver });

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private JsonObject Activity(string type, string from = "29:user-1", string? aad = "aad-user-1", Action<JsonObject>? more = null,
        string? name = null)
    {
        var activity = new JsonObject
        {
            ["type"] = type, ["id"] = "1700000000001", ["channelId"] = "msteams", ["serviceUrl"] = _connector.BaseUrl,
            ["from"] = new JsonObject { ["id"] = from, ["aadObjectId"] = aad, ["name"] = name },
            ["recipient"] = new JsonObject { ["id"] = "28:chasebot" },
            ["conversation"] = new JsonObject { ["id"] = "a:personal-1", ["conversationType"] = "personal" },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
        };
        more?.Invoke(activity);
        return activity;
    }

    private Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            token ?? FakeBotFrameworkKeys.Token(_key, "k1", _clock.GetUtcNow(), c => c["serviceurl"] = _connector.BaseUrl));
        return _http.SendAsync(request);
    }

    [Fact]
    public async Task A_token_from_another_key_or_for_another_service_url_is_refused_and_nothing_is_stored()
    {
        var forged = await PostAsync(Activity("conversationUpdate"), FakeBotFrameworkKeys.Token(RSA.Create(2048), "k1", _clock.GetUtcNow(), c => c["serviceurl"] = _connector.BaseUrl));
        var elsewhere = await PostAsync(Activity("conversationUpdate"), FakeBotFrameworkKeys.Token(_key, "k1", _clock.GetUtcNow(), c => c["serviceurl"] = "https://evil.example/"));
        var unsigned = await _http.PostAsync("/api/messages", new StringContent(Activity("message").ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { forged.StatusCode, elsewhere.StatusCode, unsigned.StatusCode });
        await using var db = _db.Open();
        Assert.False(await db.ConversationReferences.AnyAsync());
        Assert.Empty(_connector.Calls);
    }

    [Fact]
    public async Task Installing_stores_the_conversation_reference_and_removing_retires_it()
    {
        await PostAsync(Activity("installationUpdate", more: a => a["action"] = "add"));
        await using (var db = _db.Open())
        {
            var reference = await db.ConversationReferences.SingleAsync();
            Assert.Equal(("a:personal-1", _connector.BaseUrl, "tenant-1", "28:chasebot", "29:user-1", "aad-user-1"),
                (reference.ConversationId, reference.ServiceUrl, reference.TenantId, reference.BotId, reference.UserId, reference.AadObjectId));
        }

        await PostAsync(Activity("installationUpdate", more: a => a["action"] = "remove"));
        await using var after = _db.Open();
        Assert.NotNull((await after.ConversationReferences.SingleAsync()).RetiredAt);
    }

    [Fact]
    public async Task A_command_in_a_message_is_answered_out_of_band_with_a_card()
    {
        var response = await PostAsync(Activity("message", more: a => a["text"] = "<at>ChaseBot</at> status Kauri Digital Ltd"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await WaitForConnectorAsync("/v3/conversations/a:personal-1/activities/1700000000001");
        var card = reply.Body["attachments"]![0]!["content"]!;
        Assert.Equal(("AdaptiveCard", "1.5"), (card["type"]!.GetValue<string>(), card["version"]!.GetValue<string>()));
        Assert.Contains("Owed as of", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("INV-0101", card.ToJsonString());
    }

    [Fact]
    public async Task The_case_command_in_a_message_is_answered_with_a_card()
    {
        await PostAsync(Activity("message", more: a => a["text"] = "<at>ChaseBot</at> case Kauri"));

        var reply = await WaitForConnectorAsync("/v3/conversations/a:personal-1/activities/1700000000001");
        var card = reply.Body["attachments"]![0]!["content"]!;
        Assert.Equal("Collection case: Kauri Digital Ltd", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("Next: formal late notice", card.ToJsonString());
    }

    [Fact]
    public async Task Mentioning_a_colleague_in_a_channel_sets_them_as_the_clients_owner()
    {
        await PostAsync(Activity("message", more: a =>
        {
            a["text"] = "<at>ChaseBot</at> client Kauri Digital Ltd owner <at>Ana Silva</at>";
            a["entities"] = new JsonArray(
                new JsonObject { ["type"] = "mention", ["text"] = "<at>ChaseBot</at>", ["mentioned"] = new JsonObject { ["id"] = "28:chasebot", ["name"] = "ChaseBot" } },
                new JsonObject { ["type"] = "mention", ["text"] = "<at>Ana Silva</at>", ["mentioned"] = new JsonObject { ["id"] = "29:ana", ["name"] = "Ana Silva" } });
        }));

        var reply = await WaitForConnectorAsync("/v3/conversations/a:personal-1/activities/1700000000001");
        Assert.Equal("Kauri Digital Ltd: owner teams:29:ana.", reply.Body["attachments"]![0]!["content"]!["body"]![0]!["text"]!.GetValue<string>());
        await using var db = _db.Open();
        Assert.Equal("teams:29:ana", (await db.Clients.SingleAsync(c => c.Name == "Kauri Digital Ltd")).OwnerUserId);
    }

    private async Task<long> ProposalWithCardAsync()
    {
        await using var db = _db.Open();
        var invoice = await db.Invoices.Include(i => i.Client).SingleAsync(i => i.Number == "INV-0101");
        var proposal = new Proposal { InvoiceId = invoice.Id, Step = ChaseLadder.LateNotice, Status = ProposalStatus.Pending, ProposedOn = new DateOnly(2026, 11, 23) };
        db.Proposals.Add(proposal);
        await db.SaveChangesAsync();
        var client = new ClientView(invoice.ClientId, invoice.Client.Name, null, null, "owner", "teams:19:channel", null);
        var view = new InvoiceView(invoice.Id, invoice.Number, invoice.Currency, invoice.Total, invoice.AmountDue, invoice.IssueDate, invoice.DueDate, 39);
        var message = ChaseMessages.Proposal(proposal.Id, new CaseView(client, invoice.Currency, [view], [], CaseHistory.None),
            ChaseLadder.Default.Find(ChaseLadder.LateNotice)!, "1 invoice overdue, the oldest 39 days past due", "Formal notice text");
        db.Outbox.Add(new Core.Delivery.OutboxMessage { Key = $"proposal:{proposal.Id}:0", Kind = "proposal", Target = "teams:19:channel", Body = message.ToJson(), DeliveredAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return proposal.Id;
    }

    /// <summary>A click as Teams sends it, with the person's display name (the approver is Ana Ruiz).</summary>
    private Task<HttpResponseMessage> ClickAsync(long proposalId, string verb, string aad) =>
        PostAsync(Activity("invoke", from: "29:" + aad, aad: aad, name: aad == Approver ? "Ana Ruiz" : null, more: a =>
        {
            a["name"] = "adaptiveCard/action";
            a["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = new JsonObject { ["value"] = proposalId.ToString() } } };
        }));

    [Fact]
    public async Task Approving_on_the_card_decides_records_and_answers_with_the_updated_card_without_buttons()
    {
        var id = await ProposalWithCardAsync();

        var response = await ClickAsync(id, ProposalActions.Approve, Approver);

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((200, AdaptiveCards.ContentType), (json["statusCode"]!.GetValue<int>(), json["type"]!.GetValue<string>()));
        var card = json["value"]!;
        Assert.Null(card["actions"]);
        Assert.Contains("Proposal: formal late notice for Kauri Digital Ltd", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("Approved by Ana Ruiz at 10:00 UTC on 23 Nov", card["body"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        Assert.Equal(ProposalActions.Refresh, card["refresh"]!["action"]!["verb"]!.GetValue<string>());
        await using var db = _db.Open();
        Assert.Equal((ProposalStatus.Approved, "teams:" + Approver), (await db.Proposals.Select(p => new { p.Status, p.DecidedBy }).SingleAsync() is var d ? (d.Status, d.DecidedBy) : default));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Actor == "teams:" + Approver && a.Action == "proposal.approved"));
    }

    [Fact]
    public async Task Someone_who_is_not_an_approver_gets_the_card_back_with_its_buttons_and_the_reason()
    {
        var id = await ProposalWithCardAsync();

        var card = JsonNode.Parse(await (await ClickAsync(id, ProposalActions.Approve, "aad-intern")).Content.ReadAsStringAsync())!["value"]!;

        Assert.Equal(3, card["actions"]!.AsArray().Count);
        Assert.Contains("teams:aad-intern is not an approver", card["body"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        Assert.Equal("Attention", card["body"]!.AsArray()[^1]!["color"]!.GetValue<string>()); // a refusal is not coloured like a success
        await using var db = _db.Open();
        Assert.Equal(ProposalStatus.Pending, await db.Proposals.Select(p => p.Status).SingleAsync());
    }

    [Fact]
    public async Task Approving_on_a_card_whose_invoice_was_disputed_since_withdraws_it_and_the_card_says_why()
    {
        var id = await ProposalWithCardAsync();
        await using (var db = _db.Open())
        {
            var invoice = await db.Proposals.Where(p => p.Id == id).Select(p => p.Invoice).SingleAsync();
            db.Disputes.Add(new ChaseBot.Core.Ledger.Dispute { InvoiceId = invoice.Id, Reason = "wrong hours", OpenedBy = "slack:U1", OpenedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var card = JsonNode.Parse(await (await ClickAsync(id, ProposalActions.Approve, Approver)).Content.ReadAsStringAsync())!["value"]!;

        Assert.Null(card["actions"]);
        var last = card["body"]!.AsArray()[^1]!["text"]!.GetValue<string>();
        Assert.StartsWith("Withdrawn, because", last);
        Assert.Equal("Warning", card["body"]!.AsArray()[^1]!["color"]!.GetValue<string>());
        Assert.Contains("is disputed (wrong hours). Nothing was sent.", last);
        Assert.DoesNotContain(ChaseMessages.DecisionPending, card.ToJsonString());
    }

    [Fact]
    public async Task A_repeated_click_answers_with_the_current_state_not_an_error()
    {
        var id = await ProposalWithCardAsync();
        await ClickAsync(id, ProposalActions.Approve, Approver);

        var response = await ClickAsync(id, ProposalActions.Reject, Approver);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!;
        Assert.Null(card["actions"]);
        Assert.Contains("already approved", card["body"]!.AsArray()[^1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Any_viewer_refreshing_the_card_sees_the_current_state()
    {
        var id = await ProposalWithCardAsync();
        var before = JsonNode.Parse(await (await ClickAsync(id, ProposalActions.Refresh, "aad-viewer")).Content.ReadAsStringAsync())!["value"]!;
        await ClickAsync(id, ProposalActions.Reject, Approver);

        var after = JsonNode.Parse(await (await ClickAsync(id, ProposalActions.Refresh, "aad-viewer")).Content.ReadAsStringAsync())!["value"]!;

        Assert.Equal(3, before["actions"]!.AsArray().Count);
        Assert.Null(after["actions"]);
        Assert.StartsWith("Rejected by Ana Ruiz", after["body"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        await using var db = _db.Open();
        Assert.Equal(ProposalStatus.Rejected, await db.Proposals.Select(p => p.Status).SingleAsync()); // refreshing decided nothing
    }

    [Fact]
    public async Task End_to_end_a_proposal_posted_to_a_Teams_channel_is_approved_on_its_card_and_the_invoice_advances()
    {
        // The channel is installed; Kauri's messages go there.
        await PostAsync(Activity("conversationUpdate", more: a =>
        {
            a["conversation"] = new JsonObject { ["id"] = "19:ar@thread.tacv2", ["conversationType"] = "channel" };
            a["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "28:chasebot" });
        }));
        await using (var db = _db.Open())
        {
            var kauri = await db.Clients.SingleAsync(c => c.Name == "Kauri Digital Ltd");
            kauri.Channel = "teams:19:ar@thread.tacv2";
            await db.SaveChangesAsync();
        }

        var services = _bot.Services;
        var summary = await services.GetRequiredService<ChaseRunner>().RunAsync();
        await services.GetRequiredService<Core.Delivery.OutboxDrainer>().DrainAsync();

        var postedCard = _connector.Calls.Where(c => c.Path == "/v3/conversations/19:ar@thread.tacv2/activities")
            .Select(c => c.Body["attachments"]![0]!["content"]!)
            .Single(card => card["body"]![0]!["text"]!.GetValue<string>().StartsWith("Proposal: formal late notice for Kauri Digital Ltd", StringComparison.Ordinal));
        var approve = postedCard["actions"]!.AsArray().Single(a => a!["verb"]!.GetValue<string>() == ProposalActions.Approve)!;
        var proposalId = long.Parse(approve["data"]!["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(summary.Proposals >= 1);

        var updated = JsonNode.Parse(await (await ClickAsync(proposalId, ProposalActions.Approve, Approver)).Content.ReadAsStringAsync())!["value"]!;
        await services.GetRequiredService<Core.Delivery.OutboxDrainer>().DrainAsync();

        Assert.Null(updated["actions"]);
        Assert.StartsWith("Approved by Ana Ruiz", updated["body"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        Assert.DoesNotContain(ChaseMessages.DecisionPending, updated.ToJsonString()); // no longer true once decided
        await using var after = _db.Open();
        var proposal = await after.Proposals.SingleAsync(p => p.Id == proposalId);
        Assert.Equal((ProposalStatus.Approved, "teams:aad-approver"), (proposal.Status, proposal.DecidedBy));
        Assert.True(await after.AuditEntries.AnyAsync(a => a.Action == "proposal.approved" && a.Subject == "Kauri Digital Ltd"));
        // The approved notice is posted for sending, to the same Teams channel.
        Assert.Contains(_connector.Calls, c => c.Path == "/v3/conversations/19:ar@thread.tacv2/activities" &&
                                               c.Body.ToJsonString().Contains("Approved: formal late notice for Kauri Digital Ltd"));
        // By name, never by id: the approved text and the case's history say who.
        var approved = _connector.Calls.Single(c => c.Body.ToJsonString().Contains("Approved: formal late notice for Kauri Digital Ltd")).Body.ToJsonString();
        Assert.Contains("Approved by Ana Ruiz, with today", approved);
        Assert.DoesNotContain("aad-approver", approved);
        var history = await CaseReport.RunAsync(after, services.GetRequiredService<ChaseSettings>(), new DateOnly(2026, 11, 23), null);
        Assert.Contains(history.Single(c => c.Client == "Kauri Digital Ltd").Timeline, e => e.What.StartsWith("Approved by Ana Ruiz: formal late notice"));
        // And the ladder moves on from here: the next rung waits for the notice's "pay by" date (30 Nov) and the grace days.
        var runner = services.GetRequiredService<ChaseRunner>();
        Assert.DoesNotContain(await runner.PlanAsync(new DateOnly(2026, 12, 1)), e => e.Invoices.Contains("INV-0101") && e.Step == ChaseLadder.ServiceReduction);
        Assert.Contains(await runner.PlanAsync(new DateOnly(2026, 12, 2)), e => e.Invoices.Contains("INV-0101") && e.Step == ChaseLadder.ServiceReduction);
    }

    [Fact]
    public async Task A_posted_card_withdrawn_by_a_payment_logged_in_chat_is_updated_in_place_without_buttons()
    {
        await PostAsync(Activity("conversationUpdate", more: a =>
        {
            a["conversation"] = new JsonObject { ["id"] = "19:ar@thread.tacv2", ["conversationType"] = "channel" };
            a["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "28:chasebot" });
        }));
        await using (var db = _db.Open())
        {
            (await db.Clients.SingleAsync(c => c.Name == "Kauri Digital Ltd")).Channel = "teams:19:ar@thread.tacv2";
            await db.SaveChangesAsync();
        }
        var services = _bot.Services;
        await services.GetRequiredService<ChaseRunner>().RunAsync();
        await services.GetRequiredService<Core.Delivery.OutboxDrainer>().DrainAsync();
        Core.Delivery.OutboxMessage posted;
        await using (var db = _db.Open())
            posted = await db.Outbox.SingleAsync(m => m.Kind == "proposal" && m.Target == "teams:19:ar@thread.tacv2");

        await PostAsync(Activity("message", more: a => a["text"] = "<at>ChaseBot</at> paid INV-0101"));
        await WaitForConnectorAsync("/v3/conversations/a:personal-1/activities/1700000000001");
        await services.GetRequiredService<Core.Delivery.OutboxDrainer>().DrainAsync();

        var activityId = posted.PlatformMessageId![(posted.PlatformMessageId!.LastIndexOf('/') + 1)..];
        var update = Assert.Single(_connector.Calls, c => c.Method == "PUT");
        Assert.Equal($"/v3/conversations/19:ar@thread.tacv2/activities/{activityId}", update.Path);
        var card = update.Body["attachments"]![0]!["content"]!;
        Assert.Null(card["actions"]);
        Assert.Contains(card["body"]!.AsArray(), b => b!["text"]?.GetValue<string>().StartsWith("Withdrawn: the formal late notice for Kauri Digital Ltd") == true);
        Assert.DoesNotContain(ChaseMessages.DecisionPending, card.ToJsonString());
    }

    private async Task<ConnectorCall> WaitForConnectorAsync(string path)
    {
        for (var i = 0; i < 200; i++)
        {
            if (_connector.Calls.FirstOrDefault(c => c.Path == path) is { } call)
                return call;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no call to {path}; calls: {string.Join(", ", _connector.Calls.Select(c => c.Path))}");
    }
}
