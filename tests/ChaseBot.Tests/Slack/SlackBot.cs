using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ChaseBot.Core.Slack;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChaseBot.Tests.Slack;

/// <summary>The real Bot (WebApplicationFactory) on a real SQLite file, with a fake clock and a fake Slack for response_urls.</summary>
public sealed class SlackBot : IAsyncDisposable
{
    public const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private readonly WebApplicationFactory<Program> _factory;

    private readonly Dictionary<string, string?> _settings;

    private SlackBot(TestDatabase db, FakeSlack slack, FakeTimeProvider clock, Dictionary<string, string?> settings)
    {
        Db = db;
        Slack = slack;
        Clock = clock;
        _settings = settings;
        _factory = Factory();
        Http = _factory.CreateClient();
    }

    private WebApplicationFactory<Program> Factory() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    });

    /// <summary>A second Bot on the same database, fake Slack and clock (another replica); started, for the caller to dispose.</summary>
    public WebApplicationFactory<Program> AnotherReplica()
    {
        var replica = Factory();
        _ = replica.Server; // starts it, and with it its hosted services (Socket Mode)
        return replica;
    }

    /// <summary>The Bot's services (the real ones it runs with).</summary>
    public IServiceProvider Services => _factory.Services;

    public TestDatabase Db { get; }
    public FakeSlack Slack { get; }
    public FakeTimeProvider Clock { get; }
    public HttpClient Http { get; }

    /// <param name="prepare">Sets the fake Slack up before the Bot starts (and, in Socket Mode, first connects).</param>
    public static async Task<SlackBot> StartAsync(string now = "2026-11-23T10:00:00Z", Action<FakeSlack>? prepare = null,
        params (string Key, string Value)[] extra)
    {
        var db = new TestDatabase();
        var slack = await FakeSlack.StartAsync();
        prepare?.Invoke(slack);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={db.Path}",
            ["Slack:SigningSecret"] = Secret,
            ["Slack:BotToken"] = FakeSlack.Token,
            ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            ["Slack:ResponseUrlPrefix"] = slack.HooksUrl,
            ["Chase:Approvers:0"] = "UAPPROVER",
        };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return new SlackBot(db, slack, Clocks.At(now), settings);
    }

    public string Timestamp(TimeSpan? skew = null) =>
        (Clock.GetUtcNow() + (skew ?? TimeSpan.Zero)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Form(params (string Key, string Value)[] fields) =>
        string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));

    public Task<HttpResponseMessage> PostAsync(string path, string body, string? timestamp = null, string secret = Secret,
        Func<string, string>? tamper = null, bool sign = true, string contentType = "application/x-www-form-urlencoded")
    {
        timestamp ??= Timestamp();
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(tamper?.Invoke(body) ?? body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (sign)
        {
            request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
            request.Headers.Add("X-Slack-Signature", SlackSignature.Compute(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        }
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> CommandAsync(string text, string user = "U1", string channel = "C1") =>
        PostAsync("/slack/commands", Form(("command", "/chase"), ("text", text), ("user_id", user), ("channel_id", channel),
            ("team_id", "T1"), ("response_url", Slack.HooksUrl + "commands/1"), ("trigger_id", "1.2.3")));

    /// <summary>Stops the Bot as a rolling update does (SIGTERM: the host stops), leaving the fake Slack and the database.</summary>
    public async Task StopBotAsync() => await _factory.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
        await Slack.DisposeAsync();
        Db.Dispose();
    }
}
