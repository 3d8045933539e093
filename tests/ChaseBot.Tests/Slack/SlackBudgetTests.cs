using System.Text.Json.Nodes;
using ChaseBot.Core.Exports;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Slack;

/// <summary>Slack's 3-second budget, measured alone so other tests' load does not blur it.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class SlackBudgetTests
{
    [Fact]
    public async Task A_command_slower_than_Slacks_three_seconds_is_acknowledged_and_finished_through_response_url()
    {
        await using var bot = await SlackBot.StartAsync();
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        // Another process holds the database's write lock, so logging a payment has to wait for it.
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={bot.Db.Path}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var started = DateTime.UtcNow;
        var response = await bot.CommandAsync("paid INV-0102 100");
        var answeredIn = DateTime.UtcNow - started;
        await using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }

        var first = await response.Content.ReadAsStringAsync();
        Assert.True(answeredIn < TimeSpan.FromSeconds(3), $"answered in {answeredIn}: {first}");
        Assert.True(first.Contains("Working on it…", StringComparison.Ordinal), $"first answer after {answeredIn}: {first}");
        var followUp = await bot.Slack.WaitForAsync("/hooks/commands/1");
        Assert.Contains("Logged NZD 100.00", followUp.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Over_Socket_Mode_a_slow_command_is_acknowledged_within_three_seconds_and_finished_through_response_url()
    {
        await using var bot = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", "")]);
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        // Another process holds the database's write lock: taking the envelope and logging the payment both wait for it.
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={bot.Db.Path}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var started = DateTime.UtcNow;
        await bot.Slack.SendAsync(sockets[0], new JsonObject
        {
            ["envelope_id"] = "slow-1", ["type"] = "slash_commands", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["user_id"] = "U1", ["channel_id"] = "C1", ["command"] = "/chase", ["text"] = "paid INV-0102 100",
                ["response_url"] = bot.Slack.HooksUrl + "commands/slow",
            },
        });
        var ack = await bot.Slack.WaitForAckAsync("slow-1");
        var answeredIn = DateTime.UtcNow - started;
        await using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }

        Assert.True(answeredIn < TimeSpan.FromSeconds(3), $"acknowledged in {answeredIn}");
        Assert.Equal("Working on it…", ack.Payload!["text"]!.GetValue<string>());
        var followUp = await bot.Slack.WaitForAsync("/hooks/commands/slow");
        Assert.Contains("Logged NZD 100.00", followUp.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_Bot_stopping_for_a_rolling_update_answers_the_command_it_is_handling_before_closing_its_connections()
    {
        await using var bot = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", "")]);
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        // The database is busy for a moment, so the command is still being handled when the Bot is told to stop.
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={bot.Db.Path}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }
        await bot.Slack.SendAsync(sockets[0], new JsonObject
        {
            ["envelope_id"] = "rolling-1", ["type"] = "slash_commands", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["user_id"] = "U1", ["channel_id"] = "C1", ["command"] = "/chase", ["text"] = "paid INV-0102 100",
                ["response_url"] = bot.Slack.HooksUrl + "commands/rolling",
            },
        });
        await Task.Delay(300);

        var stopping = bot.StopBotAsync();
        await Task.Delay(500);
        await using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }
        await stopping;

        var ack = await bot.Slack.WaitForAckAsync("rolling-1");
        Assert.Equal(sockets[0].Id, ack.Connection);
        Assert.Contains("Logged NZD 100.00", ack.Payload!["text"]!.GetValue<string>());
        await sockets[0].Closed.Task.WaitAsync(TimeSpan.FromSeconds(5)); // and then it closed
    }

    [Fact]
    public async Task Over_Socket_Mode_a_status_is_answered_at_once_while_an_import_holds_the_write_lock()
    {
        await using var bot = await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", "")]);
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={bot.Db.Path}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;"; // as an import does for its one transaction
            await begin.ExecuteNonQueryAsync();
        }

        await bot.Slack.SendAsync(sockets[0], new JsonObject
        {
            ["envelope_id"] = "read-1", ["type"] = "slash_commands", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["user_id"] = "U1", ["channel_id"] = "C1", ["command"] = "/chase", ["text"] = "status Kauri Digital Ltd",
                ["response_url"] = bot.Slack.HooksUrl + "commands/read",
            },
        });
        var ack = await bot.Slack.WaitForAckAsync("read-1");
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        // Reading needs no write: the answer itself comes back in the acknowledgement, not "Working on it…".
        Assert.Contains("INV-0101", ack.Payload!.ToJsonString());
    }
}
