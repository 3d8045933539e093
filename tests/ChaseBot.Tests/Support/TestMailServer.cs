using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ChaseBot.Tests.Support;

/// <summary>What the mail server accepted: the envelope as sent over SMTP, the message as parsed, and which SMTP session (connection) brought it.</summary>
public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> RcptTo, MimeMessage Message, int Session = 0);

/// <summary>
/// A real SMTP server (the SmtpServer library) on 127.0.0.1, started and stopped by the test like its PostgreSQL:
/// the sender talks SMTP to it over TCP. It can refuse a mailbox for good (550) or the next messages for now (451).
/// </summary>
public sealed class TestMailServer : IAsyncDisposable, IMessageStore, IMailboxFilter
{
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public int Port { get; private set; }
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISessionContext, StrongBox<int>> _sessions = new();
    private int _sessionCount;
    public ConcurrentQueue<ReceivedMail> Received { get; } = new();
    /// <summary>Mailboxes answered with "550 mailbox unavailable".</summary>
    public ConcurrentDictionary<string, bool> Unknown { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>How many of the next messages get "451 try again later".</summary>
    public int TemporaryFailures;

    public static async Task<TestMailServer> StartAsync()
    {
        var mail = new TestMailServer();
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            mail.Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }
        var options = new SmtpServerOptionsBuilder().ServerName("mail.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, mail.Port)).Port(mail.Port)).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add((IMessageStore)mail);
        services.Add((IMailboxFilter)mail);
        var server = new SmtpServer.SmtpServer(options, services);
        mail._running = server.StartAsync(mail._stop.Token);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, mail.Port);
                return mail;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException("the test mail server did not start");
    }

    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref TemporaryFailures) >= 0)
            return new SmtpResponse((SmtpReplyCode)451, "try again later");
        await using var stream = new MemoryStream(buffer.ToArray());
        var message = await MimeMessage.LoadAsync(stream, cancellationToken);
        var session = _sessions.GetValue(context, _ => new StrongBox<int>(Interlocked.Increment(ref _sessionCount))).Value;
        Received.Enqueue(new ReceivedMail(Address(transaction.From), transaction.To.Select(Address).ToList(), message, session));
        return SmtpResponse.Ok;
    }

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
        Unknown.ContainsKey(Address(to))
            ? throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)550, "mailbox unavailable"))
            : Task.FromResult(true);

    private static string Address(IMailbox mailbox) => $"{mailbox.User}@{mailbox.Host}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _running; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
