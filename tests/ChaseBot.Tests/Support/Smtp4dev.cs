using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ChaseBot.Tests.Support;

/// <summary>
/// smtp4dev (the Rnwood.Smtp4dev .NET tool), a real SMTP server with a web API, started on 127.0.0.1 by the test and
/// stopped with it, as the tests do PostgreSQL. `.ci/run` installs the tool and names it in CHASEBOT_SMTP4DEV; without
/// that, the fixture installs it once into the user's cache (`dotnet tool install`).
/// </summary>
public sealed class Smtp4dev : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _api;

    private Smtp4dev(Process process, int smtpPort, int webPort)
    {
        (_process, SmtpPort) = (process, smtpPort);
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SmtpPort { get; }

    public static async Task<Smtp4dev> StartAsync()
    {
        var tool = await ToolAsync();
        var (smtp, web) = (FreePort(), FreePort());
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList =
            {
                $"--smtpport={smtp}", $"--urls=http://127.0.0.1:{web}", "--bindaddress=127.0.0.1", "--hostname=localhost",
                "--db=", "--imapport=", "--pop3port=", "--nousersettings",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Smtp4dev(process, smtp, web);
        for (var i = 0; i < 600 && !process.HasExited; i++)
        {
            try
            {
                if ((await server._api.GetAsync("api/messages")).IsSuccessStatusCode && await AcceptsAsync(smtp))
                    return server;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException("smtp4dev did not start within a minute");
    }

    /// <summary>The raw MIME source of every message smtp4dev received, oldest first.</summary>
    public async Task<IReadOnlyList<MimeKit.MimeMessage>> MessagesAsync()
    {
        var list = JsonNode.Parse(await _api.GetStringAsync("api/messages?pageSize=100"))!;
        var results = (list["results"] as JsonArray ?? list as JsonArray ?? []).Select(m => m!["id"]!.GetValue<string>()).ToList();
        var messages = new List<MimeKit.MimeMessage>();
        foreach (var id in results)
        {
            await using var source = await _api.GetStreamAsync($"api/messages/{id}/raw"); // the message as received, headers and all
            messages.Add(await MimeKit.MimeMessage.LoadAsync(source));
        }
        return messages;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static readonly SemaphoreSlim Installing = new(1, 1);

    private static async Task<string> ToolAsync()
    {
        if (Environment.GetEnvironmentVariable("CHASEBOT_SMTP4DEV") is { Length: > 0 } given && File.Exists(given))
            return given;
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "chasebot", "smtp4dev-3.15.0");
        var tool = Path.Combine(folder, "smtp4dev");
        await Installing.WaitAsync();
        try
        {
            if (File.Exists(tool))
                return tool;
            using var install = Process.Start(new ProcessStartInfo("dotnet", ["tool", "install", "--tool-path", folder, "Rnwood.Smtp4dev", "--version", "3.15.0"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var error = await install.StandardError.ReadToEndAsync();
            await install.WaitForExitAsync();
            return install.ExitCode == 0 && File.Exists(tool) ? tool : throw new InvalidOperationException($"could not install smtp4dev: {error}");
        }
        finally
        {
            Installing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
