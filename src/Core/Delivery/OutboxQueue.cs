namespace ChaseBot.Core.Delivery;

/// <summary>Queues a message: the one way rows enter the outbox, which delivers them once each (see OutboxDrainer).</summary>
public static class OutboxQueue
{
    public static void Add(Storage.ChaseDbContext db, OutboxKey key, string kind, string target, ChatMessage message, DateTime at,
        DateTime notBefore, Audience audience = Audience.Channel) =>
        Add(db, key, kind, target, message.ToJson(), at, notBefore, audience);

    /// <param name="body">The message as stored (<see cref="ChatMessage.ToJson"/>).</param>
    /// <param name="replaces">For a rewrite of a message already posted: the id its platform gave it.</param>
    public static void Add(Storage.ChaseDbContext db, OutboxKey key, string kind, string target, string body, DateTime at,
        DateTime notBefore, Audience audience = Audience.Channel, string? replaces = null) =>
        db.Outbox.Add(new OutboxMessage
        {
            Key = key, Kind = kind, Audience = audience, Target = target, Body = body, CreatedAt = at, NotBefore = notBefore,
            Replaces = replaces,
        });
}
