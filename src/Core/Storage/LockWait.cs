namespace ChaseBot.Core.Storage;

/// <summary>A lock or a database waited for longer than Database:LockTimeout: the process gives up and says what to do.</summary>
public sealed class LockTimeoutException(string message) : Exception(message);

/// <summary>
/// Waiting for something another process holds (the migration lock, the database itself), never silently: the first
/// time it has to wait it says what for and since when, <see cref="Waiting"/> tells /readyz meanwhile, and after
/// <paramref name="giveUpAfter"/> it gives up with <see cref="LockTimeoutException"/>. Zero means: try once.
/// </summary>
public sealed class LockWait(Action<string> say, TimeSpan giveUpAfter, TimeProvider? clock = null)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>What is being waited for right now, in words for /readyz; null when nothing is.</summary>
    public string? Waiting { get; private set; }

    public TimeSpan GiveUpAfter => giveUpAfter;

    /// <summary>Says something about the wait's subject where this wait says things (the log, or the command's stderr).</summary>
    public void Say(string message) => say(message);

    /// <summary>Polls <paramref name="tryTake"/> until it gives something, saying once that it waits.</summary>
    /// <param name="what">"the migration lock on /data/chasebot.db"</param>
    /// <param name="advice">What an operator can do when it gives up.</param>
    public async Task<T> ForAsync<T>(string what, string advice, Func<CancellationToken, Task<T?>> tryTake,
        CancellationToken cancellationToken) where T : class
    {
        var since = _clock.GetUtcNow();
        var started = _clock.GetTimestamp();
        try
        {
            while (true)
            {
                if (await tryTake(cancellationToken) is { } taken)
                {
                    if (Waiting is not null)
                        say($"Got {what} after {_clock.GetElapsedTime(started).TotalSeconds:0.#} s");
                    return taken;
                }
                if (giveUpAfter >= TimeSpan.Zero && _clock.GetElapsedTime(started) >= giveUpAfter)
                    throw new LockTimeoutException(giveUpAfter == TimeSpan.Zero
                        ? $"{what} is taken"
                        : $"Gave up waiting for {what} after {giveUpAfter.TotalSeconds:0} s (Database:LockTimeout). {advice}");
                if (Waiting is null)
                {
                    Waiting = $"waiting for {what} since {since:HH:mm:ss} UTC";
                    say($"Waiting for {what} since {since:HH:mm:ss} UTC" +
                        (giveUpAfter >= TimeSpan.Zero ? $"; giving up after {giveUpAfter.TotalSeconds:0} s (Database:LockTimeout)" : ""));
                }
                await Task.Delay(PollEvery, _clock, cancellationToken);
            }
        }
        finally
        {
            Waiting = null;
        }
    }
}
