using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Email;
using ChaseBot.Core.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Usage: EmailBench <smtp4dev executable> [emails=1000]
// The reference is what the server itself accepts at best: the same 1,000 messages sent by a bare MailKit client,
// one connection per sender, as many senders as the outbox runs at once. Then the outbox sends them through
// ChaseBot's email platform from a fresh SQLite database, and every message is counted as accepted (250).
var tool = args[0];
var emails = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var (smtpPort, webPort) = (FreePort(), FreePort());
using var server = Process.Start(new ProcessStartInfo(tool)
{
    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
    ArgumentList =
    {
        $"--smtpport={smtpPort}", $"--urls=http://127.0.0.1:{webPort}", "--bindaddress=127.0.0.1", "--hostname=localhost",
        "--db=", "--imapport=", "--pop3port=", "--nousersettings", $"--messagestokeep={emails * 3}",
    },
})!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, _) => { };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
try
{
    await WaitForAsync(smtpPort);
    var options = new EmailOptions { Host = "127.0.0.1", Port = smtpPort, Security = "none", From = "accounts@studio.example" };
    var platform = new EmailPlatform(Options.Create(options), NullLogger<EmailPlatform>.Instance);
    var senders = ((IChatPlatform)platform).ParallelChannels;
    ChatMessage Message(int i) => new()
    {
        Title = $"Client {i % 100:D3} Ltd",
        Email = new EmailDraft($"ap{i % 100:D3}@client{i % 100:D3}.example", null, $"Invoice INV-{i:D6} is overdue",
            $"Hello,\n\nInvoice INV-{i:D6} for NZD 4,600.00 was due on 2026-11-01 and is 27 days late.\n\nKind regards,\nStudio"),
    };

    // The server's own rate: bare MailKit, the messages prebuilt, connections opened before the clock starts.
    var mimes = Enumerable.Range(0, emails).Select(i => EmailPlatform.Mime(Message(i).Email!, options, $"bench:{i}")).ToList();
    var clients = new List<SmtpClient>();
    for (var s = 0; s < senders; s++)
    {
        var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None);
        clients.Add(client);
    }
    var reference = Stopwatch.StartNew();
    await Task.WhenAll(clients.Select(async (client, s) =>
    {
        for (var i = s; i < emails; i += senders)
            await client.SendAsync(mimes[i]);
    }));
    reference.Stop();
    foreach (var client in clients)
        await client.DisconnectAsync(quit: true);

    // ChaseBot: the messages queued in the outbox (as the chase queues them), drained by the real drainer.
    var folder = Directory.CreateTempSubdirectory("chasebot-email-bench-").FullName;
    var db = new DbContextOptionsBuilder<ChaseDbContext>();
    StorageRegistration.Configure(db, new DatabaseOptions(), $"Data Source={Path.Combine(folder, "ledger.db")}");
    await using (var context = new ChaseDbContext(db.Options))
    {
        await DatabaseMigrator.MigrateAsync(context);
        var now = DateTime.UtcNow;
        for (var i = 0; i < emails; i++)
        {
            var message = Message(i);
            var key = OutboxKey.EmailOf(OutboxKey.Reminders(i, new DateOnly(2026, 11, 28), [$"{i}-reminder-1"])); // as a reminder's email is keyed
            OutboxQueue.Add(context, key, OutboxKinds.Email, ChatTarget.Email(message.Email!.To), message, now, now);
        }
        await context.SaveChangesAsync();
    }
    var drainer = new OutboxDrainer(new PooledDbContextFactory<ChaseDbContext>(db.Options), platform, TimeProvider.System);
    var chasebot = Stopwatch.StartNew();
    int pending, drains = 0;
    do
    {
        await drainer.DrainAsync();
        drains++;
        await using var context = new ChaseDbContext(db.Options);
        pending = await context.Outbox.CountAsync(m => m.DeliveredAt == null && m.DeadLetteredAt == null);
    } while (pending > 0 && chasebot.Elapsed < TimeSpan.FromMinutes(10));
    chasebot.Stop();
    int delivered, dead;
    await using (var context = new ChaseDbContext(db.Options))
        (delivered, dead) = (await context.Outbox.CountAsync(m => m.DeliveredAt != null), await context.Outbox.CountAsync(m => m.DeadLetteredAt != null));
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);

    Console.WriteLine($"{emails} emails to smtp4dev on 127.0.0.1, {senders} at a time");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"the server's own rate (bare MailKit, connections open): {reference.Elapsed.TotalSeconds:F2} s, {emails / reference.Elapsed.TotalSeconds:F0} a second"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ChaseBot's outbox: {chasebot.Elapsed.TotalSeconds:F2} s, {emails / chasebot.Elapsed.TotalSeconds:F0} a second, in {drains} drains; " +
        $"delivered {delivered}, dead-lettered {dead}, left {pending}; ratio {chasebot.Elapsed.TotalSeconds / reference.Elapsed.TotalSeconds:F2}"));
    return delivered == emails ? 0 : 1;
}
finally
{
    server.Kill(entireProcessTree: true);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitForAsync(int port)
{
    for (var i = 0; i < 600; i++)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return;
        }
        catch (SocketException)
        {
            await Task.Delay(100);
        }
    }
    throw new InvalidOperationException("smtp4dev did not start within a minute");
}
