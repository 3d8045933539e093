using ChaseBot.Tests.Support;

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
    public async Task The_Bot_refuses_to_start_with_half_a_Slack_configuration()
    {
        // The Bot as a process, as an operator starts it: WebApplicationFactory sometimes loses a failed start-up's
        // exception to its own disposal (ObjectDisposedException), so it cannot show what the operator reads.
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ChaseBot.Bot.dll"), "--urls", Loopback.FreeUrl()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Chase"] = $"Data Source={_db.Path}";
        start.Environment["Slack__BotToken"] = "xoxb-1";
        using var bot = System.Diagnostics.Process.Start(start)!;
        var output = bot.StandardOutput.ReadToEndAsync();
        var error = bot.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await bot.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!bot.HasExited)
                bot.Kill(entireProcessTree: true); // it started after all: the assertion below says so
        }

        Assert.NotEqual(0, bot.ExitCode);
        Assert.Contains("Slack:SigningSecret", await output + await error);
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
