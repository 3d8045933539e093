using ChaseBot.Core.Commands;
using System.Globalization;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>An email as the client's mail server received it, on the day of the replay it arrived.</summary>
public sealed record ClientEmail(DateOnly Day, string To, string Subject, string Body, DateTimeOffset Date);

/// <summary>A Slack call as the fake Slack received it (a post, or an update of one), with its text as a reader sees it.</summary>
public sealed record ChatSeen(DateOnly Day, string Method, string Channel, string Text);

/// <summary>
/// Eight weeks of a small agency's collections, from Monday 22 February 2027 (Europe/London, across the change to summer
/// time on 28 March), replayed a day at a time on a real ledger with a fake clock: the hosts' own wiring, email on a real
/// SMTP server on 127.0.0.1 and Slack on the fake Slack API, payment instructions configured. Each morning yesterday's
/// proposals are decided (approved, unless the script says otherwise), the chase runs, morale check-ins and the digest are
/// asked for, and the outbox drains. What the clients and the approver received is kept for the tests to read.
/// </summary>
public sealed class ClientCommitmentsReplay : IAsyncDisposable
{
    public const string Instructions = "Bank transfer to Studio Ltd, sort code 04-00-04, account 12345678, quoting the invoice number.";
    public const int Days = 56;

    private readonly TestMailServer _mail;
    private readonly FakeSlack _slack;
    public ChaseHarness H { get; }
    public List<ClientEmail> Emails { get; } = [];
    public List<ChatSeen> Chat { get; } = [];
    /// <summary>What /chase answered, by day.</summary>
    public List<(DateOnly Day, string Command, string Reply)> Said { get; } = [];
    /// <summary>Yesterday's proposals the script decides otherwise than "approve", once each: by client name and step, the verdict.</summary>
    public Dictionary<(string Client, string Step), Verdict> Decide { get; } = [];
    public Dictionary<int, Func<ClientCommitmentsReplay, Task>> Events { get; } = [];
    /// <summary>The Home of the person chasing, each day after the run: the reminders it says are still theirs to send.</summary>
    public List<(DateOnly Day, Core.Reports.OwnReminder Reminder)> HomeReminders { get; } = [];
    public DateOnly Start { get; }
    public List<Core.Exports.ImportSummary> Imports { get; } = [];

    private ClientCommitmentsReplay(TestMailServer mail, FakeSlack slack)
    {
        (_mail, _slack) = (mail, slack);
        H = new ChaseHarness("2027-02-22T10:00:00Z", "Europe/London", o => o.DefaultOwner = "U0KIRI", new Dictionary<string, string?>
        {
            ["Email:Host"] = "127.0.0.1", ["Email:Port"] = mail.Port.ToString(CultureInfo.InvariantCulture), ["Email:Security"] = "none",
            ["Email:From"] = "accounts@studio.example", ["Email:ReplyTo"] = "ana@studio.example",
            ["Email:SendReminders"] = "true", ["Email:SendNotices"] = "true",
            ["Slack:BotToken"] = FakeSlack.Token, ["Slack:SigningSecret"] = "replay-secret", ["Slack:ApiBaseUrl"] = slack.ApiUrl,
            ["Slack:PostInterval"] = "00:00:00",
            ["Payment:Instructions"] = Instructions,
        }, realPlatforms: true);
        Start = H.Today;
    }

    public static async Task<ClientCommitmentsReplay> StartAsync() => new(await TestMailServer.StartAsync(), await FakeSlack.StartAsync());

    public DateOnly Day(int n) => Start.AddDays(n);

    public async Task SayAsync(string command) => Said.Add((H.Today, command, await H.SayAsync(command, "alice")));

    public async Task<Client> ClientAsync(string name, string? email, Action<Client>? clauses = null)
    {
        var client = await H.ClientAsync(name, c =>
        {
            (c.BillingEmail, c.OwnerUserId) = (email, "U0KIRI");
            clauses?.Invoke(c);
        });
        return client;
    }

    public Task<Invoice> InvoiceAsync(Client client, string number, int daysLate, decimal amount, string currency = "GBP") =>
        H.InvoiceAsync(client, number, daysLate, amount, i => i.Currency = currency);

    public async Task RunAsync()
    {
        for (var day = 0; day < Days; day++)
        {
            var today = H.Today;
            if (Events.TryGetValue(day, out var happen))
                await happen(this);
            var waiting = await H.QueryAsync(db => db.Proposals.Where(p => p.Status == ProposalStatus.Pending && (p.PutOn ?? p.ProposedOn) < today)
                .Select(p => new { p.Id, p.Step, Client = p.Invoice.Client.Name }).ToListAsync());
            foreach (var p in waiting)
                await H.Decisions.DecideAsync(p.Id, new Actor("slack", "alice"), Decide.Remove((p.Client, p.Step), out var verdict) ? verdict : Verdict.Approve);
            await H.Runner.RunAsync();
            await H.Morale.AskAsync(includeWeekly: today.DayOfWeek == DayOfWeek.Monday);
            await H.Digest.PostScheduledAsync();
            var calls = _slack.Calls.Count;
            var mails = _mail.Received.Count;
            await H.Drainer.DrainAsync();
            // Posts, files shared with their words (the digest and its chart), and updates, as Slack shows them.
            var seen = _slack.Calls.Skip(calls).Where(c => c.Path is "/api/chat.postMessage" or "/api/chat.update" or "/api/files.completeUploadExternal");
            foreach (var call in seen.Select(FakeSlack.AsPost))
                Chat.Add(new ChatSeen(today, call.Path[5..], call.Body["channel"]?.ToString() ?? "", Text(call.Body)));
            foreach (var mail in _mail.Received.Skip(mails))
                Emails.Add(new ClientEmail(today, string.Join(", ", mail.RcptTo), mail.Message.Subject ?? "", mail.Message.TextBody ?? "", mail.Message.Date));
            await using (var db = H.Db.Open())
            {
                var home = await Core.Reports.HomeOverview.ForAsync(db, H.Settings, Core.Commands.ChatRoles.From(new(), H.Settings.Approvers), "U0KIRI", today);
                HomeReminders.AddRange(home.YourReminders.First.Select(r => (today, r)));
            }
            H.Clock.Advance(TimeSpan.FromDays(1));
        }
    }

    /// <summary>Every piece of text a Slack message shows (headers, sections, context, buttons), in order, one per line.</summary>
    public static string Text(JsonNode? node)
    {
        var parts = new List<string>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                        if (key == "text" && value is JsonValue v && v.TryGetValue<string>(out var s))
                            parts.Add(s);
                        else if (key != "text" || value is not JsonValue)
                            Walk(value);
                    break;
                case JsonArray a:
                    foreach (var item in a)
                        Walk(item);
                    break;
            }
        }
        Walk(node is JsonObject o2 && o2["blocks"] is { } blocks ? blocks : node);
        // As Slack shows it: its three escapes undone (a mention stays "<@U…>", which Slack shows as a name).
        return string.Join("\n", parts).Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
    }

    public IEnumerable<ClientEmail> To(string address) => Emails.Where(e => e.To.Split(", ").Contains(address));

    public async ValueTask DisposeAsync()
    {
        H.Dispose();
        await _mail.DisposeAsync();
        await _slack.DisposeAsync();
    }
}
