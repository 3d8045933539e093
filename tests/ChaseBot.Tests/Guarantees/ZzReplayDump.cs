using ChaseBot.Core.Chasing;
namespace ChaseBot.Tests.Guarantees;
public sealed class ZzReplayDump
{
    [Fact]
    public async Task Dump()
    {
        await using var r = await ClientCommitmentsScript.RunAsync();
        var o = new System.Text.StringBuilder();
        foreach (var e in r.Emails) o.AppendLine($"=== EMAIL {e.Day:ddd d MMM} to {e.To} | {e.Subject}\n{e.Body}");
        File.WriteAllText("/tmp/rp/emails.txt", o.ToString());
        o.Clear();
        foreach (var c in r.Chat) o.AppendLine($"=== {c.Day:ddd d MMM} {c.Method} {c.Channel}\n{c.Text}");
        File.WriteAllText("/tmp/rp/chat.txt", o.ToString());
        o.Clear();
        foreach (var s in r.Said) o.AppendLine($"=== {s.Day:ddd d MMM} {s.Command}\n{s.Reply}");
        foreach (var h in r.HomeReminders) o.AppendLine($"HOME {h.Day:ddd d MMM} {h.Reminder}");
        File.WriteAllText("/tmp/rp/said.txt", o.ToString());
    }
}
