using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Email;

public enum EmailSecurity
{
    /// <summary>Plain SMTP (a relay on the same host or network, or a test server).</summary>
    None,
    /// <summary>Upgrade to TLS after connecting (port 587); refused if the server does not offer it.</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    Ssl,
}

/// <summary>
/// The Email section. Without Email:Host nothing is sent by email: drafts stay in chat. With it, reminders
/// go by email only when SendReminders is on, and notices only after an approver's click and when SendNotices is on.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string Security { get; set; } = "starttls";
    public string? UserName { get; set; }
    /// <summary>From the environment (Email__Password), never the repository; never logged.</summary>
    public string? Password { get; set; }
    public string? From { get; set; }
    public string? ReplyTo { get; set; }
    public bool SendReminders { get; set; }
    public bool SendNotices { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public EmailSecurity SecurityMode => Security.ToLowerInvariant() switch
    {
        "none" => EmailSecurity.None,
        "ssl" => EmailSecurity.Ssl,
        _ => EmailSecurity.StartTls,
    };
}

/// <summary>Every problem with the Email section, said at start.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions o)
    {
        if (!o.Enabled)
            return o.SendReminders || o.SendNotices
                ? ValidateOptionsResult.Fail("Email:SendReminders or Email:SendNotices is on but Email:Host is not set")
                : ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (o.Port is < 1 or > 65535)
            failures.Add("Email:Port must be between 1 and 65535");
        if (o.Security.ToLowerInvariant() is not ("none" or "starttls" or "ssl"))
            failures.Add($"Email:Security is '{o.Security}'; expected none, starttls or ssl");
        if (EmailAddresses.Valid(o.From) is null)
            failures.Add("Email:From must be one email address (the sender clients see)");
        if (o.ReplyTo is not null && EmailAddresses.Valid(o.ReplyTo) is null)
            failures.Add("Email:ReplyTo must be one email address");
        if (!string.IsNullOrEmpty(o.UserName) && string.IsNullOrEmpty(o.Password))
            failures.Add("Email:UserName is set but Email:Password is not (set it in the environment: Email__Password)");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
