using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Worker;

/// <summary>SIGTERM (Kubernetes rolling an update, `docker stop`) in the middle of delivering: nothing is lost.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task SIGTERM_mid_delivery_stops_promptly_records_what_was_sent_and_the_next_Worker_sends_the_rest_once()
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.Latency = TimeSpan.FromMilliseconds(800); // a slow Slack: the day's drain takes several seconds
        var exports = Directory.CreateDirectory(Path.Combine(_db.Folder, "exports")).FullName;
        foreach (var sample in new[] { "stripe-invoices.csv", "xero-invoices-nz.csv", "quickbooks-invoice-list.csv" })
            File.Copy(Samples.File(sample), Path.Combine(exports, sample));
        var settings = WorkerProcess.EverySecond(_db.Path, exports, slack);
        var posts = () => slack.Posts.Count();

        await using (var worker = WorkerProcess.Start(_db.Folder, settings))
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 600 && posts() < 3; i++)
                await Task.Delay(100);
            Assert.True(posts() >= 3, "delivery never started");

            var stopping = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(0, await worker.TerminateAsync(TimeSpan.FromSeconds(30)));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"took {stopping.Elapsed} to stop"); // no waiting out the drain
            Assert.Contains(worker.Messages, m => m.StartsWith("Scheduler ", StringComparison.Ordinal) && m.EndsWith(" stopped", StringComparison.Ordinal));
            // A normal shutdown is not a failure: no error lines, no stack traces.
            var alarming = worker.Log.Where(l => l.GetProperty("LogLevel").GetString() is "Error" or "Critical" ||
                                                 l.GetRawText().Contains("Exception", StringComparison.Ordinal))
                .Select(l => l.GetRawText()).Concat(worker.StandardError).ToList();
            Assert.True(alarming.Count == 0, string.Join('\n', alarming));
        }

        int total, sentBeforeStop;
        await using (var db = _db.Open())
        {
            total = await db.Outbox.CountAsync();
            var delivered = await db.Outbox.CountAsync(m => m.DeliveredAt != null);
            sentBeforeStop = posts();
            Assert.Equal(sentBeforeStop, delivered); // every post Slack accepted is recorded as delivered
            Assert.True(delivered < total, $"the drain finished ({delivered} of {total}) before SIGTERM: the test proves nothing");
            // Cut off mid-send, a claim is left expired (so the next Worker looks for the post first), never running on.
            var stoppedAt = DateTime.UtcNow;
            Assert.False(await db.Outbox.AnyAsync(m => m.DeliveredAt == null && m.ClaimedUntil > stoppedAt),
                "a message is left claimed, so it would wait out the lease");
            Assert.False(await db.Outbox.AnyAsync(m => m.DeadLetteredAt != null));
        }

        // The next Worker (a new pod) delivers the rest, and nothing twice.
        await using (var next = WorkerProcess.Start(_db.Folder, settings))
        {
            await next.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 600 && posts() < total; i++)
                await Task.Delay(100);
            Assert.Equal(0, await next.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        var sent = slack.Posts
            .Select(c => (c.Body["channel"]?.ToString(), c.Body["text"]?.ToString())).ToList();
        Assert.Equal(total, sent.Count);
        Assert.Equal(sent.Count, sent.Distinct().Count());
        await using var after = _db.Open();
        Assert.Equal(total, await after.Outbox.CountAsync(m => m.DeliveredAt != null));
    }
}
