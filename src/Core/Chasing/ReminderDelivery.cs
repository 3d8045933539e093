using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// How a reminder reaches the client, wherever it was decided (the morning run, or "Remind first" on a notice's card):
/// with Email:SendReminders ChaseBot emails it itself at the client's next allowed hour, queued after the chat message
/// that says so (and that the drainer marks "Sent to …" once the server has taken it); otherwise the chat message is a
/// draft with its "Mark as sent" button, and only that click makes it count as contact.
/// </summary>
public static class ReminderDelivery
{
    public static void Queue(ChaseDbContext db, OutboxKey key, ClientView client, ChatMessage reminder, ChaseSettings settings,
        Email.EmailOptions email, DateTimeOffset now)
    {
        var emailTo = email is { Enabled: true, SendReminders: true } && reminder.Email is not null ? Email.EmailAddresses.Valid(client.BillingEmail) : null;
        reminder = emailTo is not null ? ChaseMessages.ToBeEmailed(reminder, emailTo, reminder.Email!.Cc) : ChaseMessages.ToSendByHand(reminder, key);
        OutboxQueue.Add(db, key, OutboxKinds.Reminder, client.Channel, reminder, now.UtcDateTime, settings.Calendar.NextAllowed(now).UtcDateTime);
        if (emailTo is not null)
            OutboxQueue.Add(db, OutboxKey.EmailOf(key), OutboxKinds.Email, ChatTarget.Email(emailTo),
                new ChatMessage { Title = client.Name, Email = reminder.Email! with { To = emailTo }, FailuresTo = client.Channel, Draft = reminder.Draft },
                now.UtcDateTime, client.NextAllowedForClient(settings.Calendar, now).UtcDateTime);
    }
}
