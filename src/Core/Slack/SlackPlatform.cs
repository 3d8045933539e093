using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Slack;

/// <summary>The outbox's way into Slack: channel messages to their channel, private ones by DM, paced per channel.</summary>
public sealed class SlackPlatform(SlackApiClient api, ChannelPacer pacer, ILogger<SlackPlatform> log, int parallelChannels = 8) : IChatPlatform
{
    public const string PlatformName = "slack";
    public string Name => PlatformName;

    /// <summary>
    /// Pacing is per channel, so other channels need not wait. How many are posted to at once (Slack:ParallelChannels):
    /// Slack also limits a workspace as a whole, to several hundred posts a minute, which 8 channels at a time respects.
    /// </summary>
    public int ParallelChannels => parallelChannels;

    public async Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        if (message.Replaces is { } posted && posted.Split('/', 2) is [var postedIn, var postedTs])
        {
            // A card already in the channel, rewritten in place (a proposal withdrawn or decided away from its buttons).
            using (await pacer.TurnAsync(postedIn, cancellationToken))
                await api.UpdateAsync(postedIn, postedTs, BlockKit.Message(content), cancellationToken);
            log.LogInformation("Updated {Kind} {Key} in Slack {Channel} ({Ts})", message.Kind, message.Key, postedIn, postedTs);
            return new Delivered(posted);
        }
        var channel = message.Audience == Audience.Direct
            ? await api.OpenDirectMessageAsync(message.Target, cancellationToken)
            : message.Target;
        string ts;
        using (var turn = await pacer.TurnAsync(channel, cancellationToken))
        {
            try
            {
                (channel, ts) = await api.PostAsync(channel, BlockKit.Message(content), cancellationToken);
            }
            catch (TransientDeliveryException e) when (e.RetryAfter is { } retryAfter)
            {
                // Longer than the client waits in-call: the outbox retries later, and the channel stays quiet till then.
                turn.Hold(retryAfter);
                throw;
            }
        }
        log.LogInformation("Posted {Kind} {Key} to Slack {Channel} ({Ts})", message.Kind, message.Key, channel, ts);
        return new Delivered($"{channel}/{ts}");
    }
}
