using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace ChaseBot.Tests.Support;

/// <summary>
/// The Worker service as its own process (the built ChaseBot.Worker.dll), configured through environment variables
/// as in a container, logging JSON lines that the test reads. It can be stopped as Kubernetes does (SIGTERM) or
/// killed outright (SIGKILL).
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<JsonElement> _lines = new();
    private readonly Task _reading;

    private WorkerProcess(Process process, string healthUrl)
    {
        _process = process;
        HealthUrl = healthUrl;
        _reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                try
                {
                    if (line.StartsWith('{'))
                    {
                        _lines.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
                        continue;
                    }
                }
                catch (JsonException) { /* not a log line after all */ }
                Output.Enqueue(line);
            }
        });
        _ = Task.Run(async () => { while (await process.StandardError.ReadLineAsync() is { } line) StandardError.Enqueue(line); });
    }

    public string HealthUrl { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Waits (bounded) for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        await _reading;
        return _process.ExitCode;
    }

    /// <summary>Everything the process printed that was not a JSON log line (a verb's own output).</summary>
    public ConcurrentQueue<string> Output { get; } = new();
    public int ExitCode => _process.ExitCode;
    public ConcurrentQueue<string> StandardError { get; } = new();

    /// <summary>Every JSON log line so far.</summary>
    public IReadOnlyList<JsonElement> Log => _lines.ToArray();

    /// <summary>The log's rendered messages so far.</summary>
    public IEnumerable<string> Messages => Log.Select(l => l.GetProperty("Message").GetString() ?? "");

    /// <summary>
    /// A Worker that does everything every second, at any hour, on the SQLite ledger at <paramref name="ledger"/>: imports
    /// <paramref name="exports"/>, chases, and delivers to <paramref name="slack"/>.
    /// </summary>
    public static Dictionary<string, string> EverySecond(string ledger, string exports, FakeSlack slack) => new()
    {
        ["ConnectionStrings:Chase"] = $"Data Source={ledger}",
        ["Exports:Folder"] = exports,
        ["Exports:SettleTime"] = "00:00:00",
        ["Exports:Schedule"] = "0/1 * * * * ?",
        ["Chase:Schedule"] = "0/1 * * * * ?",
        ["Delivery:Schedule"] = "0/1 * * * * ?",
        ["Chase:QuietHoursStart"] = "00:00",
        ["Chase:QuietHoursEnd"] = "00:00",
        ["Chase:QuietDays:0"] = "",
        ["Slack:BotToken"] = FakeSlack.Token,
        ["Slack:SigningSecret"] = "worker-test-signing-secret",
        ["Slack:ApiBaseUrl"] = slack.ApiUrl,
    };

    /// <summary>
    /// The Worker to run: the one built beside the tests, or the one CHASEBOT_TEST_WORKER names (bench/crash-soak sets it
    /// to a ReadyToRun publish, the Worker as the image ships it, which starts in about half the time).
    /// </summary>
    private static string WorkerDll => Environment.GetEnvironmentVariable("CHASEBOT_TEST_WORKER") is { Length: > 0 } published
        ? published
        : Path.Combine(AppContext.BaseDirectory, "ChaseBot.Worker.dll");

    /// <summary>The Worker with <paramref name="args"/> (a verb such as run-once), or as the service when there are none.</summary>
    public static WorkerProcess Start(string workingFolder, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var healthUrl = Loopback.FreeUrl();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [WorkerDll, .. args])
        {
            WorkingDirectory = workingFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["Logging__Format"] = "json";
        start.Environment["Worker__HealthUrls"] = healthUrl;
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;
        return new WorkerProcess(Process.Start(start)!, healthUrl);
    }

    /// <summary>Waits (bounded) until /readyz answers "ready".</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = new Uri(HealthUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        var last = "";
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                var response = await http.GetAsync("/readyz");
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) { /* busy */ }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the Worker (pid {_process.Id}) did not become ready: {last} " +
                                   string.Join('\n', StandardError) + string.Join('\n', Messages.TakeLast(20)));
    }

    /// <summary>SIGTERM, as Kubernetes and `docker stop` send; waits (bounded) for the process to exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        await _reading;
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it was doing.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reading;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }
}
