using ChaseBot.Core.Delivery;
using System.Text.Json.Nodes;
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
                (channel, ts) = await api.PostAsync(channel, WithKey(BlockKit.Message(content), message.Key), cancellationToken);
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

    /// <summary>The event type of the metadata every post carries: its outbox key, so a post can be found again after a crash.</summary>
    public const string OutboxEvent = "chasebot_outbox";

    /// <summary>How many of a channel's latest messages are read to find a post made before a Worker stopped.</summary>
    public const int HistoryLimit = 15;

    private static JsonObject WithKey(JsonObject message, string key)
    {
        message["metadata"] = new JsonObject
        {
            ["event_type"] = OutboxEvent, ["event_payload"] = new JsonObject { ["key"] = key },
        };
        return message;
    }

    /// <summary>"receivables-2026-11-23-3f2a9c1e.png": the picture's name with a tag of its outbox key, by which a share is found again.</summary>
    public static string FileName(ChatPicture picture, string key) =>
        $"{Path.GetFileNameWithoutExtension(picture.FileName)}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..8]}" +
        Path.GetExtension(picture.FileName);

    /// <summary>
    /// A post in flight when a Worker stopped is looked for in its channel's history since it was claimed (one call,
    /// <see cref="HistoryLimit"/> messages): each post carries its outbox key in its metadata. A digest shared as a
    /// file carries none (files.completeUploadExternal takes no metadata): it is found by its file's name.
    /// </summary>
    public async Task<Delivered?> FindDeliveredAsync(OutboxMessage message, ChatMessage content, DateTime since, CancellationToken cancellationToken)
    {
        var channel = message.Audience == Audience.Direct
            ? await api.OpenDirectMessageAsync(message.Target, cancellationToken)
            : message.Target;
        JsonArray history;
        try
        {
            // A margin for clocks that disagree a little: the key, not the time, says which message it is.
            history = await api.HistoryAsync(channel, new DateTimeOffset(since, TimeSpan.Zero).AddMinutes(-1), HistoryLimit, cancellationToken);
        }
        catch (SlackApiException e)
        {
            // History cannot be read here (a scope the app was installed without, a channel named, not an id): it is posted
            // again, the documented window.
            log.LogWarning("Could not read Slack {Channel}'s history to find {Key} ({Error}): posting it again. Reading it needs " +
                           "channels:history, groups:history and im:history.", channel, message.Key, e.Error);
            return null;
        }
        if (content.Picture is { } picture)
        {
            // A file share carries no metadata: its file's name carries the key instead.
            var name = FileName(picture, message.Key);
            var file = history.SelectMany(m => m?["files"] as JsonArray ?? []).FirstOrDefault(f => f?["name"]?.GetValue<string>() == name);
            return file?["id"]?.GetValue<string>() is { } id ? new Delivered($"{channel}/{id}") : null;
        }
        var posted = history.FirstOrDefault(m => m?["metadata"]?["event_type"]?.GetValue<string>() == OutboxEvent &&
                                                 m["metadata"]?["event_payload"]?["key"]?.GetValue<string>() == message.Key);
        return posted?["ts"]?.GetValue<string>() is { } ts ? new Delivered($"{channel}/{ts}") : null;
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
            var file = await api.UploadAsync(FileName(picture, message.Key), chart.Png, picture.AltText, cancellationToken);
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
