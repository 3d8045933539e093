using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ChaseBot.Core.Exports;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Slack;

/// <summary>Slack's 3-second budget, measured alone so other tests' load does not blur it.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class SlackBudgetTests
{
    /// <summary>The Bot on the sample ledger, over HTTP or (with <paramref name="socketMode"/>) Socket Mode only.</summary>
    private static async Task<SlackBot> StartAsync(bool socketMode)
    {
        var bot = socketMode
            ? await SlackBot.StartAsync(extra: [("Slack:AppToken", FakeSlack.AppToken), ("Slack:SigningSecret", "")])
            : await SlackBot.StartAsync();
        await bot.Http.GetAsync("/healthz");
        await bot.Db.Importer(bot.Clock).ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        return bot;
    }

    /// <summary>Waits (bounded) until the Bot has read an envelope and not yet answered it.</summary>
    private static async Task EnvelopeInHandAsync(SlackBot bot)
    {
        var client = bot.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<ChaseBot.Bot.Slack.SocketMode.SocketModeClient>().Single();
        for (var i = 0; i < 400 && client.EnvelopesInHand == 0; i++)
            await Task.Delay(10);
        Assert.True(client.EnvelopesInHand > 0, "the Bot never read the envelope");
    }

    /// <summary>Another process holding the database's write lock, as an import does for its one transaction.</summary>
    private sealed class WriteLock : IAsyncDisposable
    {
        private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;

        private WriteLock(Microsoft.Data.Sqlite.SqliteConnection connection) => _connection = connection;

        public static async Task<WriteLock> TakeAsync(TestDatabase db)
        {
            var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db.Path}");
            await connection.OpenAsync();
            await RunAsync(connection, "BEGIN IMMEDIATE;");
            return new WriteLock(connection);
        }

        public Task ReleaseAsync() => RunAsync(_connection, "COMMIT;");

        private static async Task RunAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    [Fact]
    public async Task A_command_slower_than_Slacks_three_seconds_is_acknowledged_and_finished_through_response_url()
    {
        await using var bot = await StartAsync(socketMode: false);
        // Another process holds the database's write lock, so logging a payment has to wait for it.
        await using var blocker = await WriteLock.TakeAsync(bot.Db);

        var started = DateTime.UtcNow;
        var response = await bot.CommandAsync("paid INV-0102 100");
        var answeredIn = DateTime.UtcNow - started;
        await blocker.ReleaseAsync();

        var first = await response.Content.ReadAsStringAsync();
        Assert.True(answeredIn < TimeSpan.FromSeconds(3), $"answered in {answeredIn}: {first}");
        Assert.True(first.Contains("Working on it…", StringComparison.Ordinal), $"first answer after {answeredIn}: {first}");
        var followUp = await bot.Slack.WaitForAsync("/hooks/commands/1");
        Assert.Contains("Logged NZD 100.00", followUp.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Over_Socket_Mode_a_slow_command_is_acknowledged_within_three_seconds_and_finished_through_response_url()
    {
        await using var bot = await StartAsync(socketMode: true);
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        // Another process holds the database's write lock: taking the envelope and logging the payment both wait for it.
        await using var blocker = await WriteLock.TakeAsync(bot.Db);

        var started = DateTime.UtcNow;
        await bot.Slack.SendAsync(sockets[0], bot.Slack.CommandEnvelope("slow-1", "paid INV-0102 100"));
        var ack = await bot.Slack.WaitForAckAsync("slow-1");
        var answeredIn = DateTime.UtcNow - started;
        await blocker.ReleaseAsync();

        Assert.True(answeredIn < TimeSpan.FromSeconds(3), $"acknowledged in {answeredIn}");
        Assert.Equal("Working on it…", ack.Payload!["text"]!.GetValue<string>());
        var followUp = await bot.Slack.WaitForAsync("/hooks/commands/slow-1");
        Assert.Contains("Logged NZD 100.00", followUp.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_Bot_stopping_for_a_rolling_update_answers_the_command_it_is_handling_before_closing_its_connections()
    {
        await using var bot = await StartAsync(socketMode: true);
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        // The database is busy for a moment, so the command is still being handled when the Bot is told to stop.
        await using var blocker = await WriteLock.TakeAsync(bot.Db);
        await bot.Slack.SendAsync(sockets[0], bot.Slack.CommandEnvelope("rolling-1", "paid INV-0102 100"));
        await EnvelopeInHandAsync(bot); // read by the Bot and waiting on the lock (its budget is 2 s)

        var stopping = bot.StopBotAsync();
        await Task.Delay(300);
        await blocker.ReleaseAsync();
        await stopping;

        var ack = await bot.Slack.WaitForAckAsync("rolling-1");
        Assert.Equal(sockets[0].Id, ack.Connection);
        // Answered before the Bot stopped: in the acknowledgement, or, when the lock held it past the 2 s budget (a loaded
        // machine), acknowledged "Working on it…" and answered through the response_url. Once either way.
        var answers = new[] { ack.Payload!["text"]!.GetValue<string>() }
            .Concat(bot.Slack.Calls.Where(c => c.Path == "/hooks/commands/rolling-1").Select(c => c.Body["text"]!.GetValue<string>()))
            .Where(text => text != "Working on it…").ToList();
        Assert.Contains("Logged NZD 100.00", Assert.Single(answers));
        await sockets[0].Closed.Task.WaitAsync(TimeSpan.FromSeconds(5)); // and then it closed
    }

    [Fact]
    public async Task A_Bot_stopping_for_a_rolling_update_sends_a_slow_commands_reply_through_the_response_url_before_it_goes()
    {
        await using var bot = await StartAsync(socketMode: true);
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        // The database stays busy past the 2 s budget: the command is acknowledged "Working on it…" and its reply is owed.
        await using var blocker = await WriteLock.TakeAsync(bot.Db);
        await bot.Slack.SendAsync(sockets[0], bot.Slack.CommandEnvelope("rolling-2", "paid INV-0102 100"));
        var ack = await bot.Slack.WaitForAckAsync("rolling-2");
        Assert.Equal("Working on it…", ack.Payload!["text"]!.GetValue<string>());

        var stopping = bot.StopBotAsync();
        await Task.Delay(300);
        await blocker.ReleaseAsync();
        await stopping;

        // Slack will not ask again: the reply went out before the Bot was gone, once.
        var reply = Assert.Single(bot.Slack.Calls, c => c.Path == "/hooks/commands/rolling-2");
        Assert.Contains("Logged NZD 100.00", reply.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Over_Socket_Mode_a_status_is_answered_at_once_while_an_import_holds_the_write_lock()
    {
        await using var bot = await StartAsync(socketMode: true);
        var sockets = await bot.Slack.WaitForOpenSocketsAsync(2);
        await using var blocker = await WriteLock.TakeAsync(bot.Db);

        await bot.Slack.SendAsync(sockets[0], bot.Slack.CommandEnvelope("read-1", "status Kauri Digital Ltd"));
        var ack = await bot.Slack.WaitForAckAsync("read-1");
        await blocker.ReleaseAsync();

        // Reading needs no write: the answer itself comes back in the acknowledgement, not "Working on it…".
        Assert.Contains("INV-0101", ack.Payload!.ToJsonString());
    }
}
