using ChaseBot.Core.Storage;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// Configured secrets never show up in what ChaseBot writes: logs at Debug level, error messages, dead letters, CLI
/// output — even when the services it talks to fail, refuse the credentials, or echo them back in an error.
/// </summary>
[Collection(nameof(Exports.MeasuredAlone))]
public sealed class SecretsTests
{
    private const string SlackToken = "xoxb-SECRET-slack-token-4242";
    private const string SigningSecret = "SECRET-slack-signing-8686";
    private const string TeamsPassword = "SECRET-teams-password-9191";

    [Fact]
    public async Task Failing_Slack_and_Teams_calls_at_Debug_logging_leave_no_secret_in_logs_errors_or_output()
    {
        var root = Directory.CreateTempSubdirectory("chasebot-secrets-").FullName;
        var database = Path.Combine(root, "ledger.db");
        await using var slack = await FakeSlack.StartAsync(); // knows another token: every call is invalid_auth
        // A careless token endpoint that echoes the request (client_secret and all) in its error.
        var (tokens, tokensUrl) = await Loopback.StartAsync(app => app.MapPost("/token", async context =>
        {
            var request = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("invalid_client: " + request);
        }));
        await using var _ = tokens;
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={database}",
            ["Exports:Folder"] = Samples.Folder,
            ["Chase:QuietHoursStart"] = "00:00",
            ["Chase:QuietHoursEnd"] = "00:00",
            ["Chase:QuietDays:0"] = "",
            ["Digest:Channels:0"] = "teams:19:digest@thread.tacv2",
            ["Slack:BotToken"] = SlackToken,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            ["Teams:AppId"] = "00000000-0000-0000-0000-000000000001",
            ["Teams:AppPassword"] = TeamsPassword,
            ["Teams:TokenEndpoint"] = tokensUrl + "/token",
            ["Exports:SettleTime"] = "00:00:00",
            ["Exports:Schedule"] = "0/1 * * * * ?",
            ["Chase:Schedule"] = "0/1 * * * * ?",
            ["Digest:Schedule"] = "0/1 * * * * ?",
            ["Delivery:Schedule"] = "0/1 * * * * ?",
            ["Logging:LogLevel:Default"] = "Trace", // everything, HTTP and SQL included
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
            ["Logging:LogLevel:Quartz"] = "Trace",
        };
        var written = new List<string>();
        async Task RunAsync(params string[] args)
        {
            await using var worker = WorkerProcess.Start(root, settings, args);
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(120));
            written.AddRange(worker.Output);
            written.AddRange(worker.StandardError);
            written.AddRange(worker.Log.Select(l => l.GetRawText()));
        }

        await RunAsync("import", Samples.File("xero-invoices-nz.csv")); // creates the database
        await using (var db = Open(database)) // the digest's Teams channel, as if ChaseBot had been added to it
        {
            db.ConversationReferences.Add(new ConversationReference
            {
                ConversationId = "19:digest@thread.tacv2", ServiceUrl = "http://127.0.0.1:9/", BotId = "28:bot", ConversationType = "channel",
            });
            await db.SaveChangesAsync();
        }
        // The Worker service, logging everything, until Slack has refused the token and Teams the password.
        await using (var worker = WorkerProcess.Start(root, settings))
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 300; i++, await Task.Delay(100))
            {
                await using var db = Open(database);
                if (await db.Outbox.AnyAsync(m => m.LastError!.Contains("invalid_auth")) &&
                    await db.Outbox.AnyAsync(m => m.LastError!.Contains("token endpoint")))
                    break;
            }
            await worker.TerminateAsync(TimeSpan.FromSeconds(30));
            written.AddRange(worker.Output);
            written.AddRange(worker.StandardError);
            written.AddRange(worker.Log.Select(l => l.GetRawText()));
        }
        await RunAsync("run-once", "--as-of", "2026-11-23");
        await RunAsync("outbox");
        await RunAsync("outbox", "--json");
        await RunAsync("status", "--all");

        await using (var db = Open(database))
        {
            var errors = await db.Outbox.Where(m => m.LastError != null).Select(m => m.Kind + " " + m.Target + " " + m.LastError!).ToListAsync();
            Assert.Contains(errors, e => e.Contains("invalid_auth")); // Slack refused the token...
            Assert.True(errors.Any(e => e.Contains("token endpoint answered 401")), string.Join("\n", errors.Distinct())); // ...and Teams the password
            written.AddRange(errors);
            written.AddRange(await db.AuditEntries.Select(a => a.Details ?? "").ToListAsync());
        }
        SqliteConnection.ClearAllPools();
        Assert.True(written.Count > 1000, $"only {written.Count} lines were written: the run did not get far");
        Assert.Contains(slack.Calls, c => c.Authorization == $"Bearer {SlackToken}"); // the token was really used
        foreach (var secret in new[] { SlackToken, SigningSecret, TeamsPassword })
            Assert.DoesNotContain(written, line => line.Contains(secret, StringComparison.Ordinal));
    }

    private static ChaseDbContext Open(string database) => new(TestDatabase.OptionsFor($"Data Source={database}"));
}
