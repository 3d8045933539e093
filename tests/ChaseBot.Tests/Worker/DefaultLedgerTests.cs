using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using ChaseBot.Core.Slack;
using ChaseBot.Tests.Slack;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Worker;

/// <summary>
/// With nothing configured, the Worker and the Bot open one ledger, wherever each was started: what the Worker
/// imported is what a signed /chase status answers from.
/// </summary>
public sealed class DefaultLedgerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chasebot-default-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_Bot_started_in_another_folder_answers_from_the_ledger_the_Worker_filled()
    {
        var userData = Path.Combine(_root, "user-data");
        var workerFolder = Directory.CreateDirectory(Path.Combine(_root, "worker-here")).FullName;
        var botFolder = Directory.CreateDirectory(Path.Combine(_root, "bot-here")).FullName;
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = userData };

        await using (var worker = WorkerProcess.Start(workerFolder, environment, "run-once", "--folder", Samples.Folder))
            Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromMinutes(2)));

        var url = Loopback.FreeUrl();
        using var bot = StartBot(botFolder, url, userData);
        try
        {
            var answer = await SignedStatusAsync(url);
            Assert.Contains("Kauri Digital Ltd", answer);
            Assert.DoesNotContain("Nothing outstanding", answer);
        }
        finally
        {
            bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
        }

        Assert.True(File.Exists(Path.Combine(userData, "ChaseBot", "chasebot.db")));
        Assert.Empty(Directory.GetFiles(workerFolder, "*.db"));
        Assert.Empty(Directory.GetFiles(botFolder, "*.db"));
        var log = await bot.StandardOutput.ReadToEndAsync();
        Assert.Contains($"Ledger: SQLite file {Path.Combine(userData, "ChaseBot", "chasebot.db")}", log);
    }

    private static Process StartBot(string folder, string url, string userData)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ChaseBot.Bot.dll"), "--urls", url])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
        };
        start.Environment["XDG_DATA_HOME"] = userData;
        start.Environment["Slack__SigningSecret"] = SlackBot.Secret;
        start.Environment["Slack__BotToken"] = "xoxb-not-used-here";
        start.Environment["Slack__ApiBaseUrl"] = "http://127.0.0.1:9/api/";
        return Process.Start(start)!;
    }

    private static async Task<string> SignedStatusAsync(string url)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                var body = SlackBot.Form(("command", "/chase"), ("text", "status"), ("user_id", "U1"), ("channel_id", "C1"), ("team_id", "T1"));
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
                request.Headers.Add("X-Slack-Signature", SlackSignature.Compute(SlackBot.Secret, timestamp, Encoding.UTF8.GetBytes(body)));
                var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode)
                    return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { /* still starting */ }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException("the Bot did not answer /chase status");
            await Task.Delay(200);
        }
    }
}
