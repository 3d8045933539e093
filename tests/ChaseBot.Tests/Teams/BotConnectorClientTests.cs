using Microsoft.Extensions.Time.Testing;
using System.Text.Json.Nodes;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Teams;

public sealed class BotConnectorClientTests : IAsyncLifetime
{
    private FakeBotConnector _teams = null!;
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private BotFrameworkTokens _tokens = null!;
    private BotConnectorClient _connector = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeBotConnector.StartAsync();
        var options = Options.Create(new TeamsOptions { AppId = FakeBotFrameworkKeys.AppId, AppPassword = "app-password", TokenEndpoint = _teams.TokenUrl });
        _tokens = new BotFrameworkTokens(new HttpClient(), options, _clock);
        _connector = new BotConnectorClient(new HttpClient(), _tokens, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _teams.DisposeAsync();

    private static JsonObject Message(string text) => new() { ["type"] = "message", ["text"] = text };

    [Fact]
    public async Task The_token_is_fetched_once_under_concurrency_and_again_shortly_before_it_expires()
    {
        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _tokens.GetAsync(CancellationToken.None))));
        Assert.All(tokens, t => Assert.Equal("tok-1", t));
        Assert.Equal(1, _teams.TokenRequests);

        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("tok-1", await _tokens.GetAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(6)); // within five minutes of expiry
        Assert.Equal("tok-2", await _tokens.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Send_reply_update_and_a_proactive_conversation_use_the_Connector_paths_with_the_bots_token()
    {
        var sent = await _connector.SendAsync(_teams.BaseUrl, "19:abc@thread.tacv2", Message("hello"), CancellationToken.None);
        await _connector.ReplyAsync(_teams.BaseUrl + "/", "19:abc@thread.tacv2", "1700", Message("reply"), CancellationToken.None);
        await _connector.UpdateAsync(_teams.BaseUrl, "19:abc@thread.tacv2", sent, Message("updated"), CancellationToken.None);
        var personal = await _connector.CreatePersonalConversationAsync(_teams.BaseUrl, "28:bot", "29:user", "tenant-1", CancellationToken.None);

        var calls = _teams.Calls.ToList();
        Assert.Equal(
            [("POST", "/v3/conversations/19:abc@thread.tacv2/activities"), ("POST", "/v3/conversations/19:abc@thread.tacv2/activities/1700"),
             ("PUT", $"/v3/conversations/19:abc@thread.tacv2/activities/{sent}"), ("POST", "/v3/conversations")],
            calls.Select(c => (c.Method, c.Path)));
        Assert.All(calls, c => Assert.Equal("Bearer tok-1", c.Authorization));
        Assert.Equal("tenant-1", calls[3].Body["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal("a:personal-29:user", personal);
    }

    [Fact]
    public async Task Throttling_and_transient_errors_are_retried_429_after_its_Retry_After()
    {
        _teams.Script(new SlackAnswer(Status: 429, RetryAfter: 1), new SlackAnswer(Status: 412), new SlackAnswer(Status: 502));

        await _connector.SendAsync(_teams.BaseUrl, "c1", Message("x"), CancellationToken.None);

        var calls = _teams.Calls.ToList();
        Assert.Equal(4, calls.Count);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(0.95), $"waited {calls[1].At - calls[0].At}");
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    public async Task A_removed_bot_or_a_gone_conversation_is_not_retried(int status)
    {
        _teams.Script(new SlackAnswer(Status: status));
        await Assert.ThrowsAsync<ConversationGoneException>(() => _connector.SendAsync(_teams.BaseUrl, "c1", Message("x"), CancellationToken.None));
        Assert.Single(_teams.Calls);
    }
}
