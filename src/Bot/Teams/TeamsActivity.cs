using ChaseBot.Core.Delivery;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChaseBot.Core.Teams;

namespace ChaseBot.Bot.Teams;

/// <summary>The parts of a Bot Framework activity ChaseBot reads. Null when the JSON is not an activity.</summary>
public sealed partial record TeamsActivity(JsonObject Json, string Type, string? Id, string ServiceUrl, string ChannelId,
    string ConversationId, string? ConversationType, string? TenantId, string BotId, string? FromId, string? FromAadObjectId,
    string? FromName = null)
{
    [GeneratedRegex("<at>[^<]*</at>")]
    private static partial Regex Mention();

    public static TeamsActivity? Parse(JsonObject json)
    {
        string? S(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
        var type = S(json["type"]);
        var serviceUrl = S(json["serviceUrl"]);
        var conversation = S(json["conversation"]?["id"]);
        var bot = S(json["recipient"]?["id"]);
        if (type is null || serviceUrl is null || conversation is null || bot is null)
            return null;
        return new TeamsActivity(json, type, S(json["id"]), serviceUrl, S(json["channelId"]) ?? "", conversation,
            S(json["conversation"]?["conversationType"]), S(json["channelData"]?["tenant"]?["id"]) ?? S(json["conversation"]?["tenantId"]),
            bot, S(json["from"]?["id"]), S(json["from"]?["aadObjectId"]), S(json["from"]?["name"]));
    }

    /// <summary>The user as roles and owners name them: "teams:" and the stable AAD object id when there is one.</summary>
    public string User => ChatTarget.Teams(FromAadObjectId ?? FromId ?? "unknown");

    /// <summary>
    /// The text as a command: the bot's @mention (needed to address it in channels) taken out, and anyone else's
    /// @mention turned into their id ("client Kauri owner @Ana" → "client Kauri owner teams:29:…").
    /// </summary>
    public string CommandText
    {
        get
        {
            var text = Json["text"]?.ToString() ?? "";
            foreach (var entity in (Json["entities"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (entity["type"]?.ToString() != "mention" || entity["text"]?.ToString() is not { Length: > 0 } mentionText)
                    continue;
                var id = entity["mentioned"]?["id"]?.ToString();
                text = text.Replace(mentionText, id is null || id == BotId ? "" : ChatTarget.Teams(id));
            }
            return Mention().Replace(text, "").Trim(); // any mention without an entity
        }
    }

    public ConversationFacts Facts => new(ConversationId, ServiceUrl, TenantId, BotId, FromId, FromAadObjectId, ConversationType ?? "personal");
}
