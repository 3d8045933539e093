using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Commands;

/// <summary>A client's settings in chat (owner, channel, email and CC, time zone, contract clauses, pause), and one's own check-ins.</summary>

public sealed partial class ChaseCommands
{
    private async Task<CommandReply> ClientAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        string[] keywords = ["owner", "channel", "email", "cc", "timezone", "allow", "deny", "refer-to", "pause", "resume", "jurisdiction", "consumer",
            "business", "late-terms"];
        var at = args.FindIndex(a => keywords.Contains(a.ToLowerInvariant()));
        if (at < 1)
            return UsageOf("client");
        var keyword = args[at].ToLowerInvariant();
        var value = at + 1 < args.Count ? string.Join(' ', args.Skip(at + 1)) : null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (client, problem) = await FindClientAsync(db, string.Join(' ', args.Take(at)), cancellationToken);
        if (client is null)
            return problem!;

        string? change = keyword switch
        {
            "owner" when value is not null && CommandText.UserId(value) is { } user => Set(() => client.OwnerUserId = user,
                $"owner {await ChatPeople.NameOrIdAsync(db, user, cancellationToken)}"),
            "channel" when value is not null && CommandText.ChannelId(value, context.References) is { } channel => Set(() => client.Channel = channel, $"channel {channel}"),
            // Set in chat, an address wins over what the exports say (an import only fills an empty one).
            "email" when Email.EmailAddresses.Valid(value) is { } billing => Set(() => client.BillingEmail = billing, $"billing email {billing}"),
            "cc" when value is "none" => Set(() => client.CcAddresses = null, "no CC addresses"),
            "cc" when value?.Split(' ', 2, StringSplitOptions.TrimEntries) is ["remove", var gone] =>
                RemoveCc(client, gone),
            "cc" when Email.EmailAddresses.Valid(value) is { } cc => AddCc(client, cc),
            "timezone" when value is not null && TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) =>
                Set(() => client.TimeZone = zone.Id, $"time zone {zone.Id}: emails to them wait for working hours there"),
            "allow" or "deny" when value is "service-changes" =>
                Set(() => client.Clauses.PermitsServiceChanges = keyword == "allow", $"service changes {(keyword == "allow" ? "permitted" : "not permitted")}"),
            "allow" or "deny" when value is "owned-until-paid" =>
                Set(() => client.Clauses.OwnedUntilPaid = keyword == "allow", $"work owned until paid: {(keyword == "allow" ? "yes" : "no")}"),
            "allow" or "deny" when value is "referral" =>
                Set(() => client.Clauses.PermitsReferral = keyword == "allow", keyword == "allow"
                    ? "the debt may be referred to a third party" + (client.Clauses.ReferTo is { } to ? $" ({to})" : "; say who with: refer-to <agency or solicitor>")
                    : "no referral to a third party"),
            "refer-to" when value is "none" => Set(() => client.Clauses.ReferTo = null, "nobody to refer to"),
            "refer-to" when value?.Trim().Trim('"') is { Length: > 1 and <= 200 } who =>
                Set(() => client.Clauses.ReferTo = who, $"a referral goes to {who}" +
                    (client.Clauses.PermitsReferral == true ? "" : " (the contract's referral clause is not recorded yet: allow referral)")),
            "jurisdiction" when LatePayment.Jurisdictions.Normalize(value) is { } code => Set(() => client.Jurisdiction = code,
                $"jurisdiction {code}: " + (LatePayment.Jurisdictions.StatuteOf(code) is { } statute
                    ? $"late payment between businesses is governed by {statute.Name}"
                    : "no law gives interest between businesses there; only the contract's late-terms count")),
            "consumer" when value is null => Set(() => client.IsConsumer = true, "a consumer: no late-payment interest or compensation is ever offered"),
            "business" when value is null => Set(() => client.IsConsumer = false, "a business: the late-payment law of its jurisdiction applies"),
            "late-terms" when value is "none" => Set(() => (client.Clauses.LateInterestPercentAYear, client.Clauses.LateFee, client.Clauses.LateFeeTerms) = (null, null, null),
                "no late-payment terms in the contract"),
            "late-terms" when LateTerms(value) is var (rate, words, fee) => Set(() =>
                (client.Clauses.LateInterestPercentAYear, client.Clauses.LateFee, client.Clauses.LateFeeTerms) = (rate, fee, words),
                $"the contract's late-payment terms are {words}: they are used instead of any statute"),
            "pause" when value is null => Set(() => (client.IsPaused, client.PausedUntil) = (true, null), "paused until resumed"),
            "resume" when value is null => Set(() => (client.IsPaused, client.PausedUntil) = (false, null), "chasing resumed"),
            _ => null,
        };
        if (change is null)
            return UsageOf("client", keyword switch
            {
                "allow" or "deny" => "Clauses are service-changes, owned-until-paid and referral.",
                "jurisdiction" => $"\"{Shorten(value ?? "")}\" is not a jurisdiction ChaseBot knows: UK, US, or an EU member state's code (DE, FR, IE, NL…).",
                "late-terms" => "Say the contract's late-payment interest like: late-terms 1.5% a month, late-terms 8% a year fee 40 (or: late-terms none).",
                "refer-to" => "Say who a referral goes to, in up to 200 characters (or: refer-to none).",
                "email" or "cc" when value?.StartsWith("remove", StringComparison.Ordinal) == true =>
                    $"{client.Name} has no CC address {Shorten(value[6..].Trim())}. Its CC list: {(client.CcAddresses ?? "none")}.",
                "email" or "cc" => $"\"{Shorten(value ?? "")}\" is not one email address (like accounts@client.example).",
                "timezone" => $"\"{Shorten(value ?? "")}\" is not a time zone; use an IANA name such as Europe/Berlin or Pacific/Auckland.",
                _ => $"I couldn't read the {keyword} value.",
            });
        client.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        Audit(db, context, AuditActions.ClientUpdated, client.Name, change);
        await db.SaveChangesAsync(cancellationToken);
        var reply = CommandReply.Say($"{client.Name}: {change}.");
        if (keyword == "owner")
            reply = reply with { Message = reply.Message with { Mentions = [client.OwnerUserId!] } }; // each platform shows the person its way
        return keyword == "pause" ? await WithdrawingAsync(db, await ClientInvoiceIdsAsync(db, client.Id, cancellationToken), context, reply, cancellationToken) : reply;

        static string Set(Action apply, string description)
        {
            apply();
            return description;
        }
    }

    /// <summary>"1.5% a month", "8% a year fee 40": the rate a year (twelve times a monthly one), the words, and the fee.</summary>
    private static (decimal RateAYear, string Words, decimal? Fee)? LateTerms(string? value)
    {
        var match = value is null ? null : System.Text.RegularExpressions.Regex.Match(value.Trim(),
            @"^(?<rate>\d{1,2}(\.\d{1,4})?)\s*%\s*(a|per)\s+(?<per>month|year)(\s+fee\s+(?<fee>\d{1,7}(\.\d{1,2})?))?$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (match is not { Success: true })
            return null;
        var rate = decimal.Parse(match.Groups["rate"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var monthly = match.Groups["per"].Value.Equals("month", StringComparison.OrdinalIgnoreCase);
        decimal? fee = match.Groups["fee"].Success ? decimal.Parse(match.Groups["fee"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        var words = monthly ? $"{LatePayment.LateCharges.Percent(rate)} a month ({LatePayment.LateCharges.Percent(rate * 12)} a year, simple interest)"
            : $"{LatePayment.LateCharges.Percent(rate)} a year, simple interest";
        if (fee is { } f)
            words += $" and a fee of {Exports.Parsing.Money.Format(f)} per invoice";
        return (monthly ? rate * 12 : rate, words, fee);
    }

    private static string? AddCc(Client client, string address)
    {
        var list = Email.EmailAddresses.List(client.CcAddresses).ToList();
        if (!list.Contains(address, StringComparer.OrdinalIgnoreCase))
            list.Add(address);
        var joined = string.Join(", ", list);
        if (joined.Length > 1000 || list.Count > Email.EmailAddresses.MaxCc)
            return null;
        client.CcAddresses = joined;
        return $"CC {joined}";
    }

    private static string? RemoveCc(Client client, string address)
    {
        var list = Email.EmailAddresses.List(client.CcAddresses).ToList();
        if (list.RemoveAll(a => a.Equals(address, StringComparison.OrdinalIgnoreCase)) == 0)
            return null;
        client.CcAddresses = list.Count == 0 ? null : string.Join(", ", list);
        return list.Count == 0 ? $"{address} removed; no CC addresses" : $"{address} removed; CC {client.CcAddresses}";
    }

    private async Task<CommandReply> MoraleAsync(List<string> args, CommandContext context, CancellationToken cancellationToken)
    {
        if (args.Count != 1 || args[0].ToLowerInvariant() is not ("on" or "off"))
            return UsageOf("morale");
        var off = args[0].Equals("off", StringComparison.OrdinalIgnoreCase);
        await morale.SetOptOutAsync(context.UserId, off, cancellationToken);
        return CommandReply.Say(off
            ? "Private check-ins are off. Turn them back on any time with: morale on"
            : "Private check-ins are on: at most one a week, only you see them.");
    }
}
