using ChaseBot.Core.Delivery;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Slack;

/// <summary>The outbox's way into Slack: channel messages to their channel, private ones by DM, paced per channel.</summary>
/// <param name="charts">Where a message's picture (the digest's chart) is read from; without it, messages go as words alone.</param>
public sealed class SlackPlatform(SlackApiClient api, ChannelPacer pacer, ILogger<SlackPlatform> log, int parallelChannels = 8,
    Digests.DigestCharts? charts = null) : IChatPlatform
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
                if (content.Picture is { } picture && await ShareWithPictureAsync(message, content, picture, channel, cancellationToken) is { } shared)
                    return shared;
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

    /// <summary>
    /// The message as one share of its picture: uploaded (files.getUploadURLExternal, the bytes), then shared into the
    /// channel with the message's blocks (files.completeUploadExternal), so the words and the chart arrive together.
    /// Nothing is visible until the last call, so a retry after a failure before it posts nothing twice. Where Slack
    /// refuses the file for good (no files:write scope, uploads disabled), or the chart is gone, null: the words go alone.
    /// </summary>
    private async Task<Delivered?> ShareWithPictureAsync(OutboxMessage message, ChatMessage content, ChatPicture picture, string channel,
        CancellationToken cancellationToken)
    {
        if (charts is null || await charts.FindAsync(picture.ChartId, cancellationToken) is not { } chart)
            return null;
        try
        {
            var file = await api.UploadAsync(picture.FileName, chart.Png, picture.AltText, cancellationToken);
            await api.CompleteUploadAsync(file, picture.Title, channel, BlockKit.Message(content)["blocks"]!.AsArray(), cancellationToken);
            log.LogInformation("Posted {Kind} {Key} to Slack {Channel} with its picture ({File})", message.Kind, message.Key, channel, file);
            return new Delivered($"{channel}/{file}");
        }
        catch (SlackApiException e)
        {
            log.LogWarning("Slack did not take {Kind} {Key}'s picture ({Error}): the words go alone. Sharing a picture needs the files:write scope.",
                message.Kind, message.Key, e.Error);
            return null;
        }
    }
}
