using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ChaseBot.Core.Slack;
using ChaseBot.Tests.Support;
using Xunit.Abstractions;

namespace ChaseBot.Tests.Guarantees;

/// <summary>Runs only where a memory-limited control group can be made; skipped, saying why, elsewhere.</summary>
public sealed class MemoryCgroupFactAttribute : FactAttribute
{
    public MemoryCgroupFactAttribute()
    {
        if (MemoryCgroup.WhyNot() is { } why)
            Skip = why;
    }
}

/// <summary>
/// The Bot inside the Helm chart's memory limit for it (values.yaml, bot.resources: 256Mi) on a 100,000-invoice ledger, answering a flood of
/// signed /chase status requests (the whole ledger, one client, every client in turn, as bench/status sends) while a
/// Worker re-imports the export beside it: the kernel must never kill it. bench/status measures the same with wrk.
/// </summary>
[Collection(nameof(Exports.MeasuredAlone))]
public sealed class BotMemoryLimitTests(ITestOutputHelper output)
{
    private const long Limit = 256L << 20;
    private const string Secret = "memory-test-signing-secret-0123";
    private static readonly TimeSpan FloodFor = TimeSpan.FromSeconds(8);

    [MemoryCgroupFact]
    public async Task Under_a_status_flood_with_an_import_running_the_Bot_stays_inside_256_MiB()
    {
        var root = Directory.CreateTempSubdirectory("chasebot-memory-").FullName;
        var ledger = Path.Combine(root, "ledger.db");
        var export = Path.Combine(root, "xero.csv");
        XeroExportGenerator.Write(export, rows: 300_000, clients: 5_000);
        await ImportAsync(root, ledger, export);

        using var group = MemoryCgroup.Create(Limit);
        var url = Loopback.FreeUrl();
        var start = group.Inside(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "ChaseBot.Bot.dll"), "--urls", url]);
        start.WorkingDirectory = root;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.Environment["ConnectionStrings__Chase"] = $"Data Source={ledger}";
        start.Environment["Slack__SigningSecret"] = Secret;
        start.Environment["Slack__BotToken"] = FakeSlack.Token;
        start.Environment["Slack__ResponseUrlPrefix"] = "http://127.0.0.1:9/";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var bot = Process.Start(start)!;
        var said = new StringBuilder();
        bot.OutputDataReceived += (_, e) => { lock (said) said.AppendLine(e.Data); };
        bot.ErrorDataReceived += (_, e) => { lock (said) said.AppendLine(e.Data); };
        bot.BeginOutputReadLine();
        bot.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await HealthyAsync(http, bot);
            using var stop = new CancellationTokenSource();
            var importing = ImportAgainAndAgainAsync(root, ledger, export, stop.Token);
            var clients = Enumerable.Range(0, 5_000).Select(i => $"Client {i}").OrderBy(_ => Random.Shared.Next()).ToArray();
            var questions = new Func<int, string>[] { _ => "status", _ => "status Client 42", n => $"status {clients[n % clients.Length]}" };
            var answered = new long[questions.Length];
            var refused = 0L;
            var ends = DateTime.UtcNow + FloodFor;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(sender => Task.Run(async () =>
            {
                for (var n = sender; DateTime.UtcNow < ends && !bot.HasExited; n += 16)
                {
                    var kind = n % questions.Length;
                    try
                    {
                        using var response = await http.SendAsync(Signed(questions[kind](n / questions.Length), n));
                        if (response.IsSuccessStatusCode)
                            Interlocked.Increment(ref answered[kind]);
                        else
                            Interlocked.Increment(ref refused);
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref refused); // the Bot died under us: said below
                    }
                }
            })));
            await stop.CancelAsync();
            var imports = await importing;

            output.WriteLine($"answered {string.Join(" / ", answered)} (whole ledger / one client / each client) in {FloodFor.TotalSeconds:0} s, " +
                             $"{refused} not; {imports} imports meanwhile; the group's peak {group.PeakBytes / (1 << 20)} MiB of {Limit >> 20} MiB");
            Assert.False(bot.HasExited, $"the Bot ended (exit {(bot.HasExited ? bot.ExitCode : 0)}): {said}");
            Assert.Equal(0, group.OomKills);
            Assert.Equal(0, refused);
            Assert.All(answered, count => Assert.True(count > 100, $"only {count} answers of one kind"));
            Assert.True(imports >= 1, "no import finished during the flood");
            await HealthyAsync(http, bot);
        }
        finally
        {
            if (!bot.HasExited)
                bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A slash command as Slack signs it, each one different (trigger_id), so none is refused as a replay.</summary>
    private static HttpRequestMessage Signed(string text, int n)
    {
        var body = SlackBotForm(("command", "/chase"), ("text", text), ("user_id", "U0FLOOD"), ("channel_id", "C0FLOOD"),
            ("team_id", "T0FLOOD"), ("response_url", "http://127.0.0.1:9/hooks/flood"), ("trigger_id", $"flood.{n}"));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Compute(Secret, timestamp, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    private static string SlackBotForm(params (string Key, string Value)[] fields) => ChaseBot.Tests.Slack.SlackBot.Form(fields);

    private static async Task HealthyAsync(HttpClient http, Process bot)
    {
        for (var i = 0; i < 300 && !bot.HasExited; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        Assert.Fail(bot.HasExited ? $"the Bot ended (exit {bot.ExitCode})" : "the Bot did not answer /healthz within 30 s");
    }

    /// <summary>The Worker's import verb, as its own process (another pod beside the Bot).</summary>
    private static async Task ImportAsync(string root, string ledger, string export)
    {
        await using var worker = WorkerProcess.Start(root, new Dictionary<string, string> { ["ConnectionStrings:Chase"] = $"Data Source={ledger}" },
            "import", export);
        var code = await worker.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(code == 0, string.Join('\n', worker.StandardError));
    }

    /// <summary>Imports the export with a different 1% each time, until told to stop; returns how many finished.</summary>
    private static async Task<int> ImportAgainAndAgainAsync(string root, string ledger, string export, CancellationToken stop)
    {
        var finished = 0;
        for (var seed = 1; !stop.IsCancellationRequested; seed++)
        {
            var changed = Path.Combine(root, $"changed-{seed % 2}.csv");
            XeroExportGenerator.Write(changed, rows: 300_000, seed: 42 + seed, clients: 5_000);
            await ImportAsync(root, ledger, changed);
            finished++;
        }
        return finished;
    }
}
