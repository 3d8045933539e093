using System.Collections.Concurrent;
using ChaseBot.Tests.Slack;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Tests.Bot;

/// <summary>Every log line, with its scopes, as the Bot wrote it.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    public ConcurrentQueue<(string Category, string Message, Dictionary<string, object?> Scope)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((value, bag) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object>> pairs)
                    foreach (var (key, item) in pairs)
                        bag[key] = item;
            }, scope);
            owner.Lines.Enqueue((category, formatter(state, exception) + (exception is null ? "" : " " + exception), scope));
        }
    }
}

public sealed class LoggingTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Each_request_has_a_correlation_id_in_its_log_lines_and_no_secret_is_ever_logged()
    {
        var logs = new CapturedLogs();
        const string token = "xoxb-never-log-this-token";
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
                ["Slack:SigningSecret"] = SlackBot.Secret,
                ["Slack:BotToken"] = token,
            }));
            web.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        using var http = factory.CreateClient();

        var forged = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent("text=status&user_id=U1") };
        forged.Headers.Add("X-Slack-Signature", "v0=00");
        forged.Headers.Add("X-Slack-Request-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await http.SendAsync(forged);
        var echoed = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        echoed.Headers.Add("X-Correlation-Id", "caller-123");
        var echo = await http.SendAsync(echoed);

        var id = response.Headers.GetValues("X-Correlation-Id").Single();
        var refusal = logs.Lines.Single(l => l.Message.StartsWith("Refused POST /slack/commands", StringComparison.Ordinal));
        Assert.Equal(id, refusal.Scope["CorrelationId"]);
        Assert.Equal("caller-123", echo.Headers.GetValues("X-Correlation-Id").Single());
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(token, StringComparison.Ordinal) ||
                                               l.Message.Contains(SlackBot.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_app_token_is_logged_with_what_to_fix_and_never_itself()
    {
        var logs = new CapturedLogs();
        const string appToken = "xapp-1-A1-never-log-this-app-token";
        await using var slack = await FakeSlack.StartAsync(); // knows another app token: apps.connections.open is invalid_auth
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
                ["Slack:BotToken"] = FakeSlack.Token,
                ["Slack:AppToken"] = appToken,
                ["Slack:ApiBaseUrl"] = slack.ApiUrl,
                ["Logging:LogLevel:Default"] = "Trace",
            }));
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        });
        using var http = factory.CreateClient();

        for (var i = 0; i < 200 && !logs.Lines.Any(l => l.Message.Contains("invalid_auth", StringComparison.Ordinal)); i++)
            await Task.Delay(25);

        Assert.Contains(logs.Lines, l => l.Message.Contains(
            "invalid_auth: Slack:AppToken must be the app-level token (xapp-…) with connections:write", StringComparison.Ordinal));
        Assert.Contains(slack.Calls, c => c.Authorization == $"Bearer {appToken}"); // it was really sent
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(appToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Home_tab_turned_off_in_the_app_is_logged_with_where_to_turn_it_on()
    {
        var logs = new CapturedLogs();
        await using var slack = await FakeSlack.StartAsync();
        slack.Script(new SlackAnswer(Json: """{"ok":false,"error":"not_enabled"}"""));
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
                ["Slack:BotToken"] = FakeSlack.Token,
                ["Slack:SigningSecret"] = SlackBot.Secret,
                ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            }));
            web.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        using var http = factory.CreateClient();
        var body = """{"type":"event_callback","event_id":"Ev0OFF","event":{"type":"app_home_opened","user":"U1","tab":"home"}}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", ChaseBot.Core.Slack.SlackSignature.Compute(SlackBot.Secret, timestamp, System.Text.Encoding.UTF8.GetBytes(body)));

        Assert.True((await http.SendAsync(request)).IsSuccessStatusCode);

        await slack.WaitForAsync("/api/views.publish");
        for (var i = 0; i < 200 && !logs.Lines.Any(l => l.Message.Contains("not_enabled", StringComparison.Ordinal)); i++)
            await Task.Delay(25);
        Assert.Contains(logs.Lines, l => l.Message == "Slack refused the Home tab (not_enabled): turn it on under App Home → Home Tab, as both manifests in deploy/slack do");
    }
}
