using System.Globalization;
using System.CommandLine;

namespace ChaseBot.Worker.CommandLine;

/// <summary>
/// The verbs and the options each takes, declared once: parsing, per-verb help and the errors for anything a verb
/// does not take all come from this tree (System.CommandLine).
/// </summary>
internal sealed class WorkerCommands
{
    public const string Summary = """
        ChaseBot's Worker: imports accounting exports, chases overdue invoices and posts to chat.
        With a verb it does that one thing and exits; with none it runs as a service (Quartz runs the import, chase,
        morale, digest and outbox jobs on their schedules).

        Formats: xero, quickbooks, stripe, zoho, invoiceninja (v4, v5), freshbooks, generic (see docs/exports.md).
        Any setting can be given as --set Key=Value (or --Key Value), e.g. --set Exports:DefaultCurrency=EUR.
        Exit codes: 0 done; 1 failed (the database or the disk; trying again may work); 2 refused (bad arguments,
        a file refused whole, no such ledger, client, invoice or proposal, not an approver).
        """;

    // The options and arguments the verbs read, typed, each declared once (a verb that takes one adds the same instance).
    public Option<string> Db { get; } = new("--db") { Description = "The SQLite ledger file (default: one per user; see docs/command-line.md)", HelpName = "path" };
    public Option<string> Folder { get; } = new("--folder") { Description = "The export folder (default: Exports:Folder)", HelpName = "path" };
    public Option<DateOnly?> AsOf { get; } = new("--as-of")
    {
        Description = "Take this day as today", HelpName = "yyyy-MM-dd",
        CustomParser = result => DateOnly.TryParseExact(result.Tokens.Single().Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : Error<DateOnly?>(result, $"--as-of is '{result.Tokens.Single().Value}'; expected a date like 2026-11-30"),
    };
    public Option<bool> Csv { get; } = new("--csv") { Description = "The invoices as CSV for a spreadsheet" };
    public Option<string> User { get; } = new("--user") { Description = "Who is acting (default: your login name)", HelpName = "id" };
    public Option<string> Reason { get; } = new("--reason") { Description = "Why (kept in the audit history)", HelpName = "text" };
    public Option<int?> Days { get; } = new("--days")
    {
        Description = "How long a snooze lasts (1-90, default 7)", HelpName = "n",
        CustomParser = result => int.TryParse(result.Tokens.Single().Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 90
            ? days : Error<int?>(result, "--days is a number of days from 1 to 90"),
    };
    public Option<string> Format { get; } = new("--format") { Description = "The export's format, when it cannot be told from its columns", HelpName = "name" };
    public Option<string> DateOrder { get; } = new Option<string>("--date-order") { Description = "Day or month first in numeric dates (default: decided from the file)" }
        .AcceptOnlyFromAmong("dmy", "mdy", "auto");
    public Option<int?> PaymentTermDays { get; } = new("--payment-term-days")
    {
        Description = "Days from issue to due, for exports without a due date (FreshBooks)", HelpName = "n",
        CustomParser = result => int.TryParse(result.Tokens.Single().Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 365
            ? days : Error<int?>(result, $"--payment-term-days is '{result.Tokens.Single().Value}'; expected a number of days from 0 to 365"),
    };
    public Option<string> Png { get; } = new("--png") { Description = "Also draw the aging chart (the digest's picture) to this PNG file", HelpName = "file" };
    public Option<string> Source { get; } = new("--source") { Description = "Just this source", HelpName = "stripe|xero|quickbooks" };
    public Option<string[]> Set { get; } =
        new("--set") { Description = "A setting, e.g. Exports:DefaultCurrency=EUR (repeatable)", HelpName = "Key=Value", Arity = ArgumentArity.ZeroOrMore };
    /// <summary>--json and --all are described per verb (each prints its own shape, or its own "all"): a verb reads its own.</summary>
    public const string JsonOption = "--json", AllOption = "--all";

    public Argument<string> Path { get; } = new("file|folder") { Description = "An export file, or a folder of them" };
    public Argument<string[]> StatusFilter { get; } = new("client|invoice") { Description = "Show just this client or invoice", Arity = ArgumentArity.ZeroOrMore };
    public Argument<string[]> Client { get; } = new("client") { Description = "Show just this client (a unique part of the name is enough)", Arity = ArgumentArity.ZeroOrMore };
    public Argument<long> Proposal { get; } = new("proposal")
    {
        Description = "The proposal's number, as chat and `outbox` show it",
        CustomParser = result => long.TryParse(result.Tokens.Single().Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id : Error<long>(result, "decide takes a proposal number and approve, snooze, reject or remind-first"),
    };
    public Argument<Core.Chasing.Verdict> Decision { get; } = new("decision")
    {
        Description = "approve, snooze, reject, or remind-first (a formal late notice that would be first contact)",
        CustomParser = result => Core.Chasing.ProposalActions.VerdictOfWord(result.Tokens.Single().Value) is { } verdict
            ? verdict : Error<Core.Chasing.Verdict>(result, $"'{result.Tokens.Single().Value}' is not approve, snooze, reject or remind-first"),
    };
    public Argument<string[]> CommandText { get; } = new("command") { Description = "The command text, e.g. \"status Kauri Digital Ltd\"", Arity = ArgumentArity.OneOrMore };
    public Argument<string> Books { get; } = new("books") { Description = "Which books: xero or quickbooks" };

    public RootCommand Root { get; }

    public WorkerCommands()
    {
        var root = new RootCommand(Summary) { Db, Folder, Set };
        root.SetAction(_ => 0); // no verb: the service (WorkerCommandLine runs it)
        root.Add(new Command("import", "Import accounting exports into the ledger and print what changed; every file passed over is named with why.")
        {
            Path, Format, DateOrder, PaymentTermDays, Db, Json("one JSON object per file"), Set,
        });
        var status = new Command("status", "Who owes what: outstanding invoices, days overdue, totals per currency by age.")
        {
            StatusFilter, AsOf, new Option<bool>(AllOption) { Description = "Settled invoices too" }, Db, Json("the report as JSON"), Csv, Set,
        };
        status.Validators.Add(result =>
        {
            RefuseUnknownOptions(result, StatusFilter);
            if (result.GetResult(status.Options.Single(o => o.Name == JsonOption)) is not null && result.GetResult(Csv) is not null)
                result.AddError("--json and --csv cannot be used together: choose one");
        });
        root.Add(status);
        var cases = new Command("cases", "Each client's collection case: stage, the proposal waiting, what comes next and from when, deadlines, holds, history.")
        {
            Client, AsOf, new Option<bool>(AllOption) { Description = "Closed cases too (settled, written off), each with its history" }, Db,
            Json("an array of {client, currency, stage, pendingProposal, nextStep, nextEarliest, deadline, invoices, overdue, holds, timeline}; with --all, closed ones follow with {closedOn, closedReason}"), Set,
        };
        cases.Validators.Add(result => RefuseUnknownOptions(result, Client));
        root.Add(cases);
        root.Add(new Command("plan", "What the chase would do now (or on that day), changing nothing: nudges, proposals, skips and why.")
        {
            AsOf, Db, Json("an array of {invoice, invoices, client, step, kind, reason, sendAt}"), Set,
        });
        root.Add(new Command("report", "How collection is going: per currency what is owed and overdue, DSO and CEI; promises kept; how each client pays (docs/figures.md).")
        {
            AsOf, Png, Db, Json("{asOf, currencies: [{currency, receivables, overdue, overdueShare, dso, cei, buckets}], promises: {kept, broken}, clients: [{client, averageDaysLate, onTimeRate, paidInvoices}]}"), Set,
        });
        var interest = new Command("interest", "Late-payment interest and compensation to date, line by line: a client's invoices past due, or one invoice (docs/late-payment.md).")
        {
            Client, AsOf, Db, Json("an array of {invoice, currency, principal, days, periods: [{from, to, days, principal, ratePercent, amount}], interest, compensation, compensationCurrency, basis, missingRates}"), Set,
        };
        interest.Validators.Add(result => RefuseUnknownOptions(result, Client));
        root.Add(interest);
        root.Add(new Command("decide", "Decide an escalation proposal (the user must be in Chase:Approvers).") { Proposal, Decision, User, Reason, Days, Db, Set });
        var chat = new Command("chat", "Any /chase command (status, paid, dispute, promise, snooze, client, …; \"help\" lists them).")
        {
            CommandText, User, AsOf, Db, Set,
        };
        chat.Validators.Add(result => RefuseUnknownOptions(result, CommandText));
        root.Add(chat);
        root.Add(new Command("digest", "Post a digest now to the digest channels.") { Db, Set });
        root.Add(new Command("outbox", "Messages not delivered yet: held for quiet hours, retrying, or dead-lettered with their error.")
        {
            Db, Json("an array of messages"), Set,
        });
        root.Add(new Command("sync", "Read the connected books now (Stripe, Xero, QuickBooks) and write what changed; a source that cannot be read is said.")
        {
            Source, Db, Set,
        });
        root.Add(new Command("sources", "Each source of invoices ChaseBot can read live: connected or not, the last sync, how old its facts are, any problem.")
        {
            Db, Json("an array of {source, connected, organisation, lastSync, asOf, stale, callsLeftToday, problem}"), Set,
        });
        root.Add(new Command("connect", "A link, valid 15 minutes and good once, to connect your books (xero, quickbooks) through the Bot (Bot:PublicUrl).")
        {
            Books, User, Db, Set,
        });
        root.Add(new Command("disconnect", "Stop reading the books (xero, quickbooks), revoke ChaseBot's access with them, and forget the connection.")
        {
            Books, User, Db, Set,
        });
        root.Add(new Command("run-once", "The main job once: import the export folder (Exports:Folder), chase, check in, digest, and post " +
                                         "(to the console when no chat platform is configured).")
        {
            Folder, AsOf, Format, DateOrder, PaymentTermDays, Db, Set,
        });
        Root = root;
    }

    private static T Error<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    /// <summary>
    /// A verb whose argument takes several words would take an option it does not know ("status --format x") as two
    /// more words: an unknown --option is an error instead.
    /// </summary>
    private static void RefuseUnknownOptions(System.CommandLine.Parsing.CommandResult result, Argument words)
    {
        if (result.GetResult(words) is { } given && given.Tokens.FirstOrDefault(t => t.Value.StartsWith("--", StringComparison.Ordinal)) is { } unknown)
            result.AddError($"{result.Command.Name} does not take {unknown.Value} (see {result.Command.Name} --help)");
    }

    /// <summary>The verbs that only read or decide: they never create a ledger.</summary>
    public static bool NeedsExistingLedger(string? verb) => verb is "status" or "cases" or "report" or "interest" or "plan" or "decide" or "chat" or "outbox" or "digest" or "sources" or "disconnect";

    private static Option<bool> Json(string what) => new(JsonOption) { Description = $"Print {what}" };
}
