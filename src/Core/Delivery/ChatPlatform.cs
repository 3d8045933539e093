namespace ChaseBot.Core.Delivery;

/// <param name="Receipt">What the platform answered, where it says more than an id (a mail server's "250 OK queued as …").</param>
public sealed record Delivered(string? PlatformMessageId, string? Receipt = null);

/// <summary>A temporary failure (rate limit, 5xx, timeout): retry later. Anything else thrown is permanent.</summary>
public sealed class TransientDeliveryException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Where outbox messages go: the console now, Slack and Teams when they are configured. The seam is the only
/// place a platform touches the chase; it renders and delivers, it decides nothing.
/// </summary>
public interface IChatPlatform
{
    string Name { get; }

    /// <summary>The name of the platform that delivers <paramref name="message"/> (a router's, the one it routes to): what the outbox records.</summary>
    string NameFor(OutboxMessage message) => Name;

    /// <summary>
    /// The prefix of the targets this platform delivers to ("teams:", "mailto:"); null for the platform that bare ids
    /// belong to (Slack's C… and U…, or the console in its place).
    /// </summary>
    string? TargetPrefix => null;

    /// <summary>How many channels may be delivered to at once (each channel's messages always go in order).</summary>
    int ParallelChannels => 1;

    Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken);

    /// <summary>
    /// For a message that was in flight when a Worker stopped (killed, or cut off while sending): the post it made, if the
    /// platform has it, found from <paramref name="since"/>; null when it is not there or the platform cannot say (then it
    /// is sent again: the documented window, docs/guarantees.md).
    /// </summary>
    Task<Delivered?> FindDeliveredAsync(OutboxMessage message, ChatMessage content, DateTime since, CancellationToken cancellationToken) =>
        Task.FromResult<Delivered?>(null);

    /// <summary>A drain has delivered all it could: what the platform kept open for it (a mail server connection) may close.</summary>
    ValueTask DrainedAsync() => ValueTask.CompletedTask;
}
