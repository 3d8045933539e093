using ChaseBot.Core.Delivery;
using ChaseBot.Core.Slack;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Teams;

/// <summary>
/// The outbox's way into Teams. Targets are "teams:&lt;conversation id&gt;" for channels and chats, and
/// "teams:&lt;user id&gt;" for private messages, sent through the person's 1:1 conversation (created from a stored
/// reference when there is none yet). Paced per conversation within Teams' limits.
/// </summary>
/// <param name="charts">Signed addresses for a message's picture (the digest's chart), which Teams fetches from the Bot.</param>
public sealed class TeamsPlatform(BotConnectorClient connector, TeamsConversations conversations, TimeProvider clock,
    ILogger<TeamsPlatform> log, TimeSpan? postInterval = null, Digests.ChartLinks? charts = null) : IChatPlatform
{
    private readonly ChannelPacer _pacer = new(clock, postInterval ?? TeamsOptions.DefaultPostInterval);

    public const string PlatformName = "teams";
    public string Name => PlatformName;
    public string TargetPrefix => ChatTarget.TeamsPrefix;
    public int ParallelChannels => 8;

    public async Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        if (message.Replaces is { } posted && posted.LastIndexOf('/') is var slash and > 0)
        {
            // A card already in the conversation, rewritten in place (Bot Connector: PUT the activity).
            var conversation = posted[..slash];
            var postedIn = await conversations.FindAsync(conversation, cancellationToken)
                           ?? throw new InvalidOperationException($"no live Teams conversation {conversation} to update the card in");
            await connector.UpdateAsync(postedIn.ServiceUrl, conversation, posted[(slash + 1)..], AdaptiveCards.Activity(content), cancellationToken);
            log.LogInformation("Updated {Kind} {Key} in Teams conversation {Conversation}", message.Kind, message.Key, conversation);
            return new Delivered(posted);
        }
        var target = new ChatTarget(message.Target).Address;
        var reference = message.Audience == Audience.Direct
            ? await conversations.PersonalWithAsync(target, cancellationToken) ?? await OpenPersonalAsync(target, cancellationToken)
            : await conversations.FindAsync(target, cancellationToken)
              ?? throw new InvalidOperationException($"no live Teams conversation {target}: add ChaseBot to it (or it was removed)");
        using var turn = await _pacer.TurnAsync(reference.ConversationId, cancellationToken);
        try
        {
            // The picture by address, not inline: a chart is 50-120 KB, more than Teams takes for a whole message (40 KB).
            var picture = content.Picture is { } chart && charts?.LinkFor(chart.ChartId) is { } link ? (link, chart.AltText) : ((Uri, string)?)null;
            var id = await connector.SendAsync(reference.ServiceUrl, reference.ConversationId, AdaptiveCards.Activity(content, picture), cancellationToken);
            log.LogInformation("Posted {Kind} {Key} to Teams conversation {Conversation}", message.Kind, message.Key, reference.ConversationId);
            return new Delivered($"{reference.ConversationId}/{id}");
        }
        catch (TransientDeliveryException e) when (e.RetryAfter is { } retryAfter)
        {
            turn.Hold(retryAfter); // the conversation stays quiet until Teams said it may
            throw;
        }
        catch (ConversationGoneException gone)
        {
            await conversations.RetireAsync(reference.ConversationId, gone.Message, cancellationToken);
            throw new InvalidOperationException($"Teams conversation {reference.ConversationId} is gone ({gone.Message}); its reference is retired");
        }
    }

    private async Task<ConversationReference> OpenPersonalAsync(string user, CancellationToken cancellationToken)
    {
        var any = await conversations.AnyAsync(cancellationToken)
                  ?? throw new InvalidOperationException($"cannot message {user} privately: ChaseBot has not been installed in Teams yet");
        var id = await connector.CreatePersonalConversationAsync(any.ServiceUrl, any.BotId, user, any.TenantId, cancellationToken);
        var facts = new ConversationFacts(id, any.ServiceUrl, any.TenantId, any.BotId, user, null, "personal");
        await conversations.RememberAsync(facts, cancellationToken);
        return (await conversations.FindAsync(id, cancellationToken))!;
    }
}
