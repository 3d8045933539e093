using ChaseBot.Bot.Slack;
using ChaseBot.Core.Slack;

namespace ChaseBot.Tests.Slack;

public sealed class SlackReplayGuardTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 30, TimeSpan.Zero);

    private static string Signed(string body) => SlackSignature.Compute("guard-secret", "1795000000", System.Text.Encoding.UTF8.GetBytes(body));

    [Fact]
    public void A_signature_is_refused_again_for_ten_minutes_then_forgotten()
    {
        var guard = new SlackReplayGuard();
        var signature = Signed("command=/chase&text=status");

        Assert.True(guard.FirstSighting(signature, Noon));
        Assert.False(guard.FirstSighting(signature, Noon.AddSeconds(1)));
        Assert.False(guard.FirstSighting(signature.ToUpperInvariant().Replace("V0=", "v0="), Noon.AddMinutes(4))); // the same digest
        Assert.False(guard.FirstSighting(signature, Noon.AddMinutes(9)));
        Assert.True(guard.FirstSighting(Signed("command=/chase&text=status+Kauri"), Noon.AddMinutes(9)));
        // By then its timestamp fails the five-minute check whatever the guard says; the guard need not hold it.
        Assert.True(guard.FirstSighting(signature, Noon.AddMinutes(11)));
    }

    [Fact]
    public void Many_signatures_over_the_window_are_each_seen_once()
    {
        var guard = new SlackReplayGuard();
        var signatures = Enumerable.Range(0, 5000).Select(i => Signed($"text=status+{i}")).ToList();
        for (var i = 0; i < signatures.Count; i++)
            Assert.True(guard.FirstSighting(signatures[i], Noon.AddSeconds(i / 10.0))); // spread over eight minutes
        Assert.All(signatures, s => Assert.False(guard.FirstSighting(s, Noon.AddMinutes(9))));
    }
}
