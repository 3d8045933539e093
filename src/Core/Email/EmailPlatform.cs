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
public sealed class EmailPlatform(IOptions<EmailOptions> options, ILogger<EmailPlatform> log) : IChatPlatform
{
    public string Name => "email";

    public async Task<Delivered> SendAsync(OutboxMessage message, ChatMessage content, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var draft = content.Email ?? throw new InvalidOperationException($"{message.Key} has no email to send");
        var mime = Mime(draft, o, message.Key);
        using var smtp = new SmtpClient { Timeout = 30_000 };
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
            var reply = await smtp.SendAsync(mime, cancellationToken);
            await smtp.DisconnectAsync(quit: true, cancellationToken);
            log.LogInformation("Emailed {Kind} {Key} to {To} (Message-ID {MessageId}): {Reply}", message.Kind, message.Key, draft.To, mime.MessageId, reply);
            return new Delivered(mime.MessageId, reply);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            // The server refused for good (no such mailbox, policy): retrying will not help. Dead-lettered with its words.
            throw new InvalidOperationException($"{(int)e.StatusCode} {e.Message}");
        }
        catch (SmtpCommandException e)
        {
            throw new TransientDeliveryException($"{(int)e.StatusCode} {e.Message}");
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException)
        {
            throw new TransientDeliveryException($"the mail server {o.Host}:{o.Port} could not be reached or dropped the connection ({e.Message})");
        }
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
