using System.Text.Json;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Morale;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>Morale check-ins and their answers stay between ChaseBot and the person asked, whatever else goes out.</summary>
public sealed class MoralePrivacyTests
{
    [Fact]
    public async Task In_a_full_run_every_check_in_and_answer_goes_only_to_the_person_and_no_channel_message_mentions_them()
    {
        using var h = new ChaseHarness(); // Monday 10:00
        foreach (var sample in new[] { "stripe-invoices.csv", "xero-invoices-nz.csv", "quickbooks-invoice-list.csv" })
            await h.Db.Importer(h.Clock).ImportFileAsync(Samples.File(sample), new ImportSettings());
        await using (var db = h.Db.Open()) // three owners, so check-ins go to several people
        {
            var clients = await db.Clients.OrderBy(c => c.Id).ToListAsync();
            for (var i = 0; i < clients.Count; i++)
                clients[i].OwnerUserId = $"U0OWNER{i % 3}";
            await db.SaveChangesAsync();
        }

        await h.Runner.RunAsync();
        await h.Morale.AskAsync(includeWeekly: true);
        await h.SayAsync("dispute 1001 the scope was never agreed", "U0OWNER1"); // a dispute asks its owner again (after the weekly one: not this week)
        var checks = await h.QueryAsync(db => db.MoraleChecks.ToListAsync());
        Assert.True(checks.Count >= 3, $"only {checks.Count} check-ins: the run does not test privacy");
        string[] answers = [MoraleReplies.Rough, MoraleReplies.Stretched, MoraleReplies.Steady];
        for (var i = 0; i < checks.Count; i++)
            await h.Morale.AnswerAsync(checks[i].Id, checks[i].UserId, answers[i % 3]);
        await h.Digest.PostOnDemandAsync();
        await h.SayAsync("status public", "U0OWNER2");
        h.Clock.Advance(TimeSpan.FromDays(7));
        await h.ChaseAndDeliverAsync(); // a week later: more reminders, proposals, the next check-ins and digest
        await h.Morale.AskAsync(includeWeekly: true);
        await h.Digest.PostScheduledAsync();
        await h.Drainer.DrainAsync();

        var sent = h.Platform.Sent;
        var outbox = await h.OutboxAsync();
        Assert.Equal(outbox.Count, sent.Count); // every outbound message is inspected
        var moraleTexts = MoraleReplies.Answers.SelectMany(a => new[] { MoraleReplies.For(a, "weekly"), MoraleReplies.For(a, "dispute") })
            .Select(t => t.Split('\n')[0]).Concat(["How are you holding up", "Thanks for telling me", "Rough, honestly", "Stretched"]).ToList();
        foreach (var (message, content) in sent)
        {
            var everything = JsonSerializer.Serialize(content);
            if (message.Kind is "morale" or "morale-reply")
            {
                Assert.Equal(Audience.Direct, message.Audience);
                Assert.Contains(checks, c => c.UserId == message.Target); // to the person asked, and nobody else
            }
            else
                Assert.All(moraleTexts, t => Assert.DoesNotContain(t, everything));
            if (message.Audience == Audience.Channel)
                Assert.DoesNotContain("morale", everything, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains(sent, s => s.Message.Kind == "morale-reply");
        Assert.Contains(sent, s => s.Message.Kind == "digest");
    }
}
