using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Morale;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChaseBot.Core.Commands;

/// <summary>Who is asking, and from where.</summary>
/// <param name="References">Ids the platform resolved in the text (a Slack channel or person someone picked), so a bare id
/// there is read as the channel or person it is.</param>
public sealed record CommandContext(string UserId, string Platform, string? ChannelId = null, IReadOnlySet<string>? References = null)
{
    public Actor Actor => new(Platform, UserId);
}

/// <summary>Whether a command did what it was asked; the command line turns it into its exit code.</summary>
public enum CommandOutcome
{
    Done,
    /// <summary>It could not be done as asked: unknown words, no such invoice or client, or not the asker's role.</summary>
    Refused,
    /// <summary>Something on our side failed; trying again later may work.</summary>
    Failed,
}

/// <summary>The answer to a command: a platform-neutral message, shown only to the asker unless Public.</summary>
public sealed record CommandReply(ChatMessage Message, bool Public = false, CommandOutcome Outcome = CommandOutcome.Done)
{
    public static CommandReply Say(string title, params string[] lines) => new(new ChatMessage { Title = title, Lines = lines });

    public static CommandReply Refuse(string title, params string[] lines) => Say(title, lines) with { Outcome = CommandOutcome.Refused };

    public string ToText() => string.Join('\n', new[] { Message.Title }.Concat(Message.Lines));
}

/// <summary>
/// The /chase grammar, one set of handlers for every surface (Slack, Teams, the command line). Every input gets an
/// answer in words (the command's help when it cannot be read); nothing is changed without the role for it, and
/// every change is in the audit history with who made it.
/// </summary>
public sealed partial class ChaseCommands(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings chase, ChatRoles roles,
    ChannelDigest digest, MoraleCheckIns morale, TimeProvider clock, ILogger<ChaseCommands>? log = null, LedgerChanges? changes = null,
    ProposalDecisions? decisions = null, ClientStatusIndex? statusIndex = null, Sources.ConnectedSources? sources = null,
    Sources.Connections.OAuthConnections? connections = null, LatePayment.LateCharges? lateCharges = null)
{
    /// <summary>One /chase verb: its word (and other spellings), who may use it, how it is written, whether it only reads, and what it does.</summary>
    private sealed record Verb(string Word, Role Needs, string Usage, bool OnlyReads, Func<ChaseCommands, Call, Task<CommandReply>> Handle, string[]? Aliases = null);

    /// <summary>What a verb's handler gets: the words after the verb, who asked from where, and the request's token.</summary>
    private readonly record struct Call(List<string> Args, CommandContext Context, CancellationToken Token);

    /// <summary>Every verb, in the order help lists them: adding one is adding a line here and its handler.</summary>
    private static readonly Verb[] Verbs =
    [
        new("status", Role.Viewer, "status [client|invoice] [public] — who owes what (public: post it in the channel)", true,
            (c, x) => c.StatusAsync(x.Args, x.Token)),
        new("case", Role.Viewer, "case <client> — where the client's collection stands: stage, what comes next and when, deadlines, history", true,
            (c, x) => c.CaseAsync(x.Args, x.Token), Aliases: ["cases"]),
        new("paid", Role.Collector, "paid <invoice> [amount] [date] — log a payment (default: the whole balance, today)", false,
            (c, x) => c.PaidAsync(x.Args, x.Context, x.Token)),
        new("dispute", Role.Collector, "dispute <invoice> <reason> — log a dispute; chasing pauses until it is resolved", false,
            (c, x) => c.DisputeAsync(x.Args, x.Context, x.Token)),
        new("resolve", Role.Collector, "resolve <invoice> [note] — close the invoice's dispute", false,
            (c, x) => c.ResolveAsync(x.Args, x.Context, x.Token)),
        new("reopen", Role.Collector, "reopen <invoice> — confirm that an invoice an export shows owing again after it was paid is owed, so chasing resumes", false,
            (c, x) => c.ReopenAsync(x.Args, x.Context, x.Token)),
        new("promise", Role.Collector, "promise <invoice> <date> [amount] — the client promised to pay by then; chasing waits", false,
            (c, x) => c.PromiseAsync(x.Args, x.Context, x.Token)),
        new("snooze", Role.Collector, "snooze <invoice|client> <days|date> — pause chasing until then", false,
            (c, x) => c.SnoozeAsync(x.Args, x.Context, x.Token)),
        new("resume", Role.Collector, "resume <invoice|client> — end a snooze or pause", false,
            (c, x) => c.ResumeAsync(x.Args, x.Context, x.Token)),
        new("client", Role.Collector, "client <name> owner @person | channel #channel | email <address> | cc <address> | cc remove <address> | cc none | timezone <zone> | allow <clause> | deny <clause> | refer-to <agency> | jurisdiction UK|US|DE|FR|… | consumer | business | late-terms <rate>% a month|a year [fee <amount>] | pause | resume", false,
            (c, x) => c.ClientAsync(x.Args, x.Context, x.Token)),
        new("interest", Role.Approver, "interest <client> [claim|waive] — late-payment interest and compensation to date; claim them after a final notice (a later thank-you lists them as still due) or waive them (approvers)", false,
            (c, x) => c.InterestAsync(x.Args, x.Context, x.Token)),
        new("sent", Role.Collector, "sent <client> — you sent ChaseBot's latest draft to the client yourself: recorded, so later messages count it as contact", false,
            (c, x) => c.SentAsync(x.Args, x.Context, x.Token)),
        new("preview", Role.Collector, "preview <proposal> [to <address>] — email yourself the notice a proposal would send, before approving it", false,
            (c, x) => c.PreviewAsync(x.Args, x.Token)),
        new("digest", Role.Viewer, "digest — post a digest now", false, (c, x) => c.DigestAsync(x.Token)),
        new("sources", Role.Viewer, "sources — the connected books (Stripe, Xero, QuickBooks): when each was last synced, and any problem", true,
            (c, x) => c.SourcesAsync(x.Token)),
        new("sync", Role.Approver, "sync — read the connected books now (approvers)", false, (c, x) => c.SyncAsync(x.Context, x.Token)),
        new("connect", Role.Approver, "connect xero|quickbooks — a link, valid 15 minutes, to connect your books (approvers)", false,
            (c, x) => c.ConnectAsync(x.Args, x.Context, x.Token)),
        new("disconnect", Role.Approver, "disconnect xero|quickbooks — stop reading those books and revoke ChaseBot's access (approvers)", false,
            (c, x) => c.DisconnectAsync(x.Args, x.Context, x.Token)),
        new("morale", Role.Viewer, "morale on|off — private check-ins on or off", false, (c, x) => c.MoraleAsync(x.Args, x.Context, x.Token)),
        new("help", Role.Viewer, "help [command] — this list", true, (_, x) => Task.FromResult(HelpFor(x.Args))),
    ];

    private static readonly Dictionary<string, Verb> ByWord =
        Verbs.SelectMany(v => (v.Aliases ?? []).Append(v.Word).Select(word => (word, v))).ToDictionary(p => p.word, p => p.v);

    private readonly ILogger _log = log ?? NullLogger<ChaseCommands>.Instance;
    private readonly ClientStatusIndex _statusIndex = statusIndex ?? new(dbFactory, clock, log);
    private readonly Reports.StatusCache<(string Filter, DateOnly Today), CommandReply> _statusAnswers = new(changes, clock,
        saidAsOf: (reply, at) => SaidAsOf(reply, at, chase), keep: reply => !OlderThanAsked.TryGetValue(reply, out _));

    /// <summary>Answers read from an index older than the ledger they were asked of: given once, never again (they say so).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CommandReply, object> OlderThanAsked = new();

    /// <summary>An answer computed before the ledger's latest commit, saying the moment it was true at.</summary>
    private static CommandReply SaidAsOf(CommandReply reply, DateTimeOffset at, ChaseSettings chase) => reply with
    {
        Message = reply.Message with
        {
            Lines = [.. reply.Message.Lines, $"These figures are as of {TimeZoneInfo.ConvertTime(at, chase.Calendar.Zone):HH:mm:ss}: " +
                                             "the ledger changed a moment ago and is being read again. Ask again for the latest."],
        },
    };

    /// <summary>
    /// Whether a command only reads (status, case, help, or words that are not a command): answering it twice changes
    /// nothing, so a surface that may receive it twice need not write anything down to answer it once.
    /// </summary>
    public static bool OnlyReads(string text)
    {
        var words = text.Length > CommandText.MaxLength ? [] : CommandText.Words(text);
        var verb = words.Count == 0 ? "help" : words[0].ToLowerInvariant();
        return !ByWord.TryGetValue(verb, out var known) || known.OnlyReads;
    }

    public async Task<CommandReply> HandleAsync(string text, CommandContext context, CancellationToken cancellationToken = default)
    {
        if (text.Length > CommandText.MaxLength)
            return CommandReply.Refuse("That is too long for a command.", Help());
        var words = CommandText.Words(text);
        var verb = words.Count == 0 ? "help" : words[0].ToLowerInvariant();
        var args = words.Skip(1).ToList();
        var known = ByWord.GetValueOrDefault(verb);
        var needs = known?.Needs ?? Role.Viewer;
        if (!roles.Has(context.UserId, needs))
            return CommandReply.Refuse(ChatRoles.Refusal(context.UserId, needs));
        try
        {
            return known is null
                ? CommandReply.Refuse($"I don't know \"{Shorten(verb)}\".", Help())
                : await known.Handle(this, new Call(args, context, cancellationToken));
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            _log.LogError(e, "Command {Verb} from {Actor} failed", verb, context.Actor);
            return CommandReply.Say("Something went wrong on our side and nothing was changed. Please try again in a minute.") with { Outcome = CommandOutcome.Failed };
        }
    }

    private async Task<CommandReply> DigestAsync(CancellationToken cancellationToken)
    {
        await digest.PostOnDemandAsync(cancellationToken);
        return CommandReply.Say("Digest queued for the digest channels; it goes out at the next allowed hour.");
    }

    private static string[] Help() => [.. Verbs.Select(v => v.Usage)];

    private static CommandReply HelpFor(List<string> args) =>
        CommandReply.Say("ChaseBot commands", args.Count > 0 && ByWord.TryGetValue(args[0].ToLowerInvariant(), out var one) ? [one.Usage] : Help());

    private static CommandReply UsageOf(string verb, string? problem = null) =>
        CommandReply.Refuse(problem ?? "I couldn't read that.", $"Usage: {ByWord[verb].Usage}");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private DateOnly Today => chase.Calendar.Today(clock.GetUtcNow());

    /// <summary>An invoice by number ("INV-0101", or "xero:INV-0101" when two sources share a number).</summary>
    private async Task<(Invoice? Invoice, CommandReply? Problem)> FindInvoiceAsync(ChaseDbContext db, string text, CancellationToken cancellationToken)
    {
        string? source = null;
        var number = text;
        if (text.IndexOf(':') is var colon and > 0)
            (source, number) = (text[..colon].ToLowerInvariant(), text[(colon + 1)..]);
        var upper = number.ToUpperInvariant();
        var matches = await db.Invoices.Include(i => i.Client)
            .Where(i => i.Number.ToUpper() == upper && (source == null || i.Source == source)).Take(10).ToListAsync(cancellationToken);
        // Two spellings of one number in one source (a ledger written before numbers compared without case): the one
        // written exactly as typed is meant, so the form "Say which" offers always finds one.
        if (matches.Count > 1 && matches.Where(i => i.Number == number).ToList() is [var exact])
            return (exact, null);
        if (matches.Count == 1)
            return (matches[0], null);
        if (matches.Count > 1)
            return (null, CommandReply.Refuse($"{Shorten(number)} is in more than one accounting source. Say which:",
                string.Join(", ", matches.Select(m => $"{m.Source}:{m.Number}"))));
        var suggestions = await LedgerStatus.SuggestionsAsync(db, number, cancellationToken);
        return (null, CommandReply.Refuse($"There is no invoice \"{Shorten(number)}\".",
            suggestions.Count > 0 ? $"Did you mean: {string.Join(", ", suggestions)}?" : "Check the number with: status"));
    }

    private async Task<(Client? Client, CommandReply? Problem)> FindClientAsync(ChaseDbContext db, string name, CancellationToken cancellationToken)
    {
        // The exact name, else the one client whose name starts with or contains the words ("Kauri"), as status reads it.
        var id = await LedgerStatus.FindClientAsync(db, name, cancellationToken);
        var client = id is null ? null : await db.Clients.SingleAsync(c => c.Id == id, cancellationToken);
        if (client is not null)
            return (client, null);
        var suggestions = await LedgerStatus.SuggestionsAsync(db, name, cancellationToken);
        return (null, CommandReply.Refuse($"There is no client \"{Shorten(name)}\".",
            suggestions.Count > 0 ? $"Did you mean: {string.Join(", ", suggestions)}?" : "Clients come from your exports; check the name with: status"));
    }

    /// <summary>
    /// After a change that settles an invoice or puts its chasing on hold: its waiting proposals are withdrawn at once
    /// (not at the next chase run), and the reply says so.
    /// </summary>
    private async Task<CommandReply> WithdrawingAsync(ChaseDbContext db, IReadOnlyCollection<long> invoiceIds, CommandContext context,
        CommandReply reply, CancellationToken cancellationToken)
    {
        var withdrawn = await ProposalWithdrawal.WithdrawAsync(db, chase.Ladder, invoiceIds, Today, clock.GetUtcNow().UtcDateTime,
            context.Actor, cancellationToken);
        if (withdrawn.Count == 0)
            return reply;
        await db.SaveChangesAsync(cancellationToken);
        return reply with { Message = reply.Message with { Lines = [.. reply.Message.Lines, .. withdrawn] } };
    }

    private void Audit(ChaseDbContext db, CommandContext context, string action, string subject, string details) =>
        db.AuditEntries.Add(new AuditEntry { At = clock.GetUtcNow().UtcDateTime, Actor = context.Actor, Action = action, Subject = subject, Details = details });
}
