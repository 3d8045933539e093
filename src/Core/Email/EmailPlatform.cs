using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ChaseBot.Core.Delivery;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChaseBot.Core.Email;

/// <summary>
/// The outbox's way to a client's inbox: an outbox row whose target is "mailto:&lt;address&gt;" carries an
/// <see cref="EmailDraft"/>, sent over SMTP with MailKit. Through the outbox it has chat's guarantees: sent at most
/// once per step (a crash between the server's 250 and the record is the same window as for chat), 4xx replies and
/// dropped connections retried with backoff, a 5xx reply dead-lettered with the server's words.
/// </summary>
public sealed class EmailPlatform(IOptions<EmailOptions> options, ILogger<EmailPlatform> log, TimeProvider? clock = null) : IChatPlatform, IDisposable
{
    /// <summary>
    /// How long an idle connection may be taken up again. A connection per message (connect, greeting, EHLO, QUIT)
    /// made 1,000 emails take twice as long as the server needs (bench/README.md): a drain sends its emails back to
    /// back, so each reuses one that the message before left open, and the drain closes them when it is done
    /// (<see cref="DrainedAsync"/>). One idle for longer is closed and opened afresh, since servers drop idle clients.
    /// </summary>
    public static readonly TimeSpan KeepConnectionFor = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly System.Collections.Concurrent.ConcurrentStack<(SmtpClient Smtp, long LastUsed)> _idle = new();

    public string Name => "email";
    public string TargetPrefix => ChatTarget.EmailPrefix;

    public async Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var draft = content.Email ?? throw new InvalidOperationException($"{message.Key} has no email to send");
        var mime = Mime(draft, o, message.Key);
        SmtpClient? smtp = null;
        try
        {
            smtp = await ConnectionAsync(o, cancellationToken);
            var reply = await smtp.SendAsync(mime, cancellationToken);
            _idle.Push((smtp, _clock.GetTimestamp()));
            smtp = null;
            log.LogInformation("Emailed {Kind} {Key} to {To} (Message-ID {MessageId}): {Reply}", message.Kind, message.Key, draft.To, mime.MessageId, reply);
            return new Delivered(mime.MessageId, reply);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            // The server refused for good (no such mailbox, policy): retrying will not help. Dead-lettered with its words.
            await CloseAsync(smtp, politely: true);
            throw new InvalidOperationException($"{(int)e.StatusCode} {e.Message}");
        }
        catch (SmtpCommandException e)
        {
            await CloseAsync(smtp, politely: true);
            throw new TransientDeliveryException($"{(int)e.StatusCode} {e.Message}");
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException)
        {
            await CloseAsync(smtp, politely: false);
            throw new TransientDeliveryException($"the mail server {o.Host}:{o.Port} could not be reached or dropped the connection ({e.Message})");
        }
        catch
        {
            await CloseAsync(smtp, politely: false); // cancelled mid-message, or anything else: its state is unknown
            throw;
        }
    }

    /// <summary>The drain is done: its connections are closed (QUIT), so the server knows the session is over.</summary>
    public async ValueTask DrainedAsync()
    {
        while (_idle.TryPop(out var idle))
            await CloseAsync(idle.Smtp, politely: true);
    }

    /// <summary>A connection a message before left open, recent and still up; otherwise a new one.</summary>
    private async Task<SmtpClient> ConnectionAsync(EmailOptions o, CancellationToken cancellationToken)
    {
        while (_idle.TryPop(out var idle))
        {
            if (idle.Smtp.IsConnected && _clock.GetElapsedTime(idle.LastUsed) <= KeepConnectionFor)
                return idle.Smtp;
            await CloseAsync(idle.Smtp, politely: true);
        }
        var smtp = new SmtpClient { Timeout = 30_000 };
        try
        {
            await smtp.ConnectAsync(o.Host!, o.Port, o.SecurityMode switch
            {
                EmailSecurity.None => SecureSocketOptions.None,
                EmailSecurity.Ssl => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            }, cancellationToken);
            if (!string.IsNullOrEmpty(o.UserName))
                await smtp.AuthenticateAsync(o.UserName, o.Password ?? "", cancellationToken);
            return smtp;
        }
        catch
        {
            smtp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Ends a connection: with QUIT when it is idle or the server refused one message, abruptly after a failure that
    /// leaves it in an unknown state. A message that failed is never tried again on the same connection.
    /// </summary>
    private static async Task CloseAsync(SmtpClient? smtp, bool politely)
    {
        if (smtp is null)
            return;
        try
        {
            if (politely && smtp.IsConnected)
                await smtp.DisconnectAsync(quit: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException or SmtpCommandException)
        {
            // Closing an idle or broken connection: nothing left to tell anyone.
        }
        finally
        {
            smtp.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryPop(out var idle))
            idle.Smtp.Dispose();
    }

    /// <summary>
    /// The MIME message: plain text and a simple HTML part, UTF-8 names and subject (MimeKit encodes them), and a
    /// Message-ID made from the outbox key, so a retried send is recognisably the same message. Addresses are taken
    /// only as plain valid addresses, and the subject loses any line break, so no text can add a header or a recipient.
    /// </summary>
    public static MimeMessage Mime(EmailDraft draft, EmailOptions o, string key)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(o.From!));
        mime.To.Add(MailboxAddress.Parse(EmailAddresses.Valid(draft.To) ?? throw new InvalidOperationException($"'{draft.To}' is not an email address")));
        foreach (var cc in EmailAddresses.List(draft.Cc).Select(EmailAddresses.Valid).OfType<string>().Take(EmailAddresses.MaxCc))
            mime.Cc.Add(MailboxAddress.Parse(cc));
        if (o.ReplyTo is { } replyTo)
            mime.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        mime.Subject = new string(draft.Subject.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        var domain = o.From!.Split('@')[1];
        mime.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]}@{domain}";
        mime.Body = new BodyBuilder { TextBody = draft.Body, HtmlBody = Html(draft.Body) }.ToMessageBody();
        return mime;
    }

    private static string Html(string text) =>
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.4\">" +
        string.Join("", text.Replace("\r\n", "\n").Split("\n\n").Select(p =>
            $"<p>{System.Net.WebUtility.HtmlEncode(p).Replace("\n", "<br>")}</p>")) +
        "</body></html>";
}
