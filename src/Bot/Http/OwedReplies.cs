using System.Collections.Concurrent;

namespace ChaseBot.Bot.Http;

/// <summary>
/// What the Bot still owes a person after it has acknowledged their request: a slow command's reply through the
/// response_url, a Teams reply, a clicked message updated, a Home published again. A Bot stopping for a rolling update
/// sends them before it goes (within the host's shutdown time): Slack and Teams will not ask again, so an answer dropped
/// here would be lost for good.
/// </summary>
public sealed class OwedReplies(ILogger<OwedReplies> log) : IHostedService
{
    private readonly ConcurrentDictionary<Task, byte> _owed = new();

    /// <summary>Runs <paramref name="reply"/> on the thread pool; a failure is logged as <paramref name="what"/> failing.</summary>
    public void Send(string what, Func<Task> reply)
    {
        var sending = Task.Run(async () =>
        {
            try { await reply(); }
            catch (Exception e) { log.LogError(e, "{What} failed", what); }
        });
        _owed.TryAdd(sending, 0);
        _ = sending.ContinueWith(done => _owed.TryRemove(done, out _), TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registered before the Slack and Teams services, so it stops after them and sends what their last requests left owed.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Again until none is left: sending one may owe another (a decision's update, then the decider's Home).
        while (_owed.Keys.Where(sending => !sending.IsCompleted).ToArray() is { Length: > 0 } owed && !cancellationToken.IsCancellationRequested)
        {
            log.LogInformation("Stopping: sending {Count} owed {Replies} first", owed.Length, owed.Length == 1 ? "reply" : "replies");
            await Task.WhenAll(owed).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
