using ChaseBot.Core.Delivery;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Chasing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Teams;

/// <summary>The Worker's outbox delivering to Teams through a fake Bot Connector on 127.0.0.1.</summary>
public sealed class TeamsDeliveryTests : IAsyncLifetime
{
    private FakeBotConnector _teams = null!;
    private ChaseHarness _h = null!;
    private OutboxDrainer _drainer = null!;
    private readonly RecordingPlatform _slack = new();

    public async Task InitializeAsync()
    {
        _teams = await FakeBotConnector.StartAsync();
        _h = new ChaseHarness();
        var options = Options.Create(new TeamsOptions { AppId = FakeBotFrameworkKeys.AppId, AppPassword = "app-password", TokenEndpoint = _teams.TokenUrl });
        var connector = new BotConnectorClient(new HttpClient(), new BotFrameworkTokens(new HttpClient(), options, _h.Clock), TimeProvider.System);
        var conversations = new TeamsConversations(_h.Db.Factory, _h.Clock);
        var platform = new TeamsPlatform(connector, conversations, TimeProvider.System, NullLogger<TeamsPlatform>.Instance);
        _drainer = new OutboxDrainer(_h.Db.Factory, new ChatRouter(_slack, platform), _h.Clock);
        await conversations.RememberAsync(new ConversationFacts("19:ar@thread.tacv2", _teams.BaseUrl, "tenant-1", "28:chasebot", "29:someone", null, "channel"), default);
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _teams.DisposeAsync();
    }

    [Fact]
    public async Task A_client_whose_channel_is_in_Teams_gets_a_card_there_while_others_stay_on_Slack()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri", c => c.Channel = "teams:19:ar@thread.tacv2"), "K-1", 3);
        await _h.InvoiceAsync(await _h.ClientAsync("Berlin", c => c.Channel = "C0SLACK"), "B-1", 3);
        await _h.Runner.RunAsync();

        var result = await _drainer.DrainAsync();

        Assert.Equal(2, result.Delivered);
        var call = Assert.Single(_teams.Calls);
        Assert.Equal("/v3/conversations/19:ar@thread.tacv2/activities", call.Path);
        Assert.Equal(AdaptiveCards.ContentType, call.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Equal("C0SLACK", Assert.Single(_slack.Sent).Message.Target);
    }

    [Fact]
    public async Task A_morale_check_in_for_a_Teams_owner_opens_a_personal_conversation_from_a_stored_reference()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri", c => c.OwnerUserId = "teams:29:owner"), "K-1", 10);
        await _h.Morale.AskAsync(includeWeekly: true);

        var result = await _drainer.DrainAsync();

        Assert.Equal(1, result.Delivered);
        var calls = _teams.Calls.ToList();
        Assert.Equal(["/v3/conversations", "/v3/conversations/a:personal-29:owner/activities"], calls.Select(c => c.Path));
        Assert.Equal("tenant-1", calls[0].Body["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        await using var db = _h.Db.Open();
        Assert.True(await db.ConversationReferences.AnyAsync(r => r.ConversationType == "personal" && r.UserId == "29:owner"));
    }

    [Fact]
    public async Task A_conversation_the_bot_was_removed_from_is_retired_and_the_message_dead_lettered_with_the_reason()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri", c => c.Channel = "teams:19:ar@thread.tacv2"), "K-1", 3);
        await _h.Runner.RunAsync();
        _teams.Script(new Support.SlackAnswer(Status: 403));

        var result = await _drainer.DrainAsync();

        Assert.Equal(1, result.DeadLettered);
        var message = Assert.Single(await _h.OutboxAsync());
        Assert.Contains("is gone", message.LastError);
        await using var db = _h.Db.Open();
        Assert.NotNull((await db.ConversationReferences.SingleAsync()).RetiredAt);
    }

    [Fact]
    public async Task A_card_for_a_client_with_200_overdue_invoices_stays_under_the_Teams_message_limit()
    {
        var client = await _h.ClientAsync("Huge Account Ltd", c => c.Channel = "teams:19:ar@thread.tacv2");
        for (var i = 0; i < 200; i++)
            await _h.InvoiceAsync(client, $"H-{i:D3}-{new string('x', 150)}", 3 + i % 10, 1234.56m);
        await _h.Runner.RunAsync();

        await _drainer.DrainAsync();

        var body = Assert.Single(_teams.Calls).Body;
        Assert.True(body.ToJsonString().Length < 40 * 1024, $"{body.ToJsonString().Length} bytes");
        Assert.Contains("more (see the digest or status)", body.ToJsonString());
    }
}
