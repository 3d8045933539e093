using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace ChaseBot.Tests.Slack;

public sealed class SlackConfigurationTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData("Teams:AppId", "11111111-2222-3333-4444-555555555555", "Teams:AppPassword is not")]
    [InlineData("Teams:AppPassword", "secret", "Teams:AppId is not")]
    [InlineData("Slack:BotToken", "xoxb-1", "neither Slack:AppToken (Socket Mode) nor Slack:SigningSecret (requests over HTTP) is")]
    [InlineData("Slack:SigningSecret", "abc", "Slack:SigningSecret is set but Slack:BotToken is not")]
    [InlineData("Slack:AppToken", "xapp-1-A1-abc", "Slack:AppToken is set but Slack:BotToken is not")]
    public async Task A_token_without_a_signing_secret_or_the_reverse_stops_the_Worker_with_a_clear_message(string key, string value, string expected)
    {
        var result = await Cli.RunAsync((TimeProvider?)null, new Dictionary<string, string?> { [key] = value }, "status", "--db", _db.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData("xoxb-1-not-an-app-token", "2", "Slack:AppToken must be an app-level token (it starts with xapp-")]
    [InlineData("xapp-1-A1-abc", "11", "Slack:SocketConnections must be between 1 and 10")]
    public async Task A_wrong_Socket_Mode_setting_is_refused_with_what_to_set(string appToken, string connections, string expected)
    {
        var result = await Cli.RunAsync((TimeProvider?)null, new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-1", ["Slack:AppToken"] = appToken, ["Slack:SocketConnections"] = connections,
        }, "status", "--db", _db.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void The_Bot_refuses_to_start_with_half_a_Slack_configuration()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
                ["Slack:BotToken"] = "xoxb-1",
            })));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Slack:SigningSecret", error.ToString());
    }

    [Fact]
    public async Task With_a_bot_token_the_Worker_delivers_through_Slack_instead_of_the_console()
    {
        await using var slack = await FakeSlack.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = FakeSlack.Token,
            ["Slack:SigningSecret"] = "secret",
            ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            ["Chase:DefaultChannel"] = "C0AR",
            ["Chase:DefaultOwner"] = "U0OWNER",
            ["Slack:PostInterval"] = "00:00:00", // the clock is fake and stands still; pacing has tests of its own
        };

        var result = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), settings, "run-once", "--folder", Samples.Folder, "--db", _db.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("┌─", result.Out); // nothing printed as console chat
        Assert.Contains(slack.Calls, c => c.Path == "/api/chat.postMessage" && c.Body["channel"]!.GetValue<string>() == "C0AR");
        Assert.Contains(slack.Calls, c => c.Path == "/api/conversations.open"); // the morale check-in, by DM
    }
}
