using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Chasing;

/// <summary>What a message needs to know about a client.</summary>
/// <param name="MaySuspend">The contract is recorded as keeping the work the supplier's until paid: only then may a text threaten suspension.</param>
/// <param name="OwnerKnown">A real person owns the client (not the placeholder): only then is the owner mentioned or messaged privately.</param>
/// <param name="ReferTo">Who the debt is referred to at the hand-off, only where the contract is recorded as allowing a referral.</param>
public sealed record ClientView(long Id, string Name, string? BillingEmail, string? CcAddresses, string Owner, string Channel, string? LateFeeTerms,
    bool MaySuspend = false, bool OwnerKnown = true, string? TimeZone = null, Payments.PaymentOptions? Payment = null, string? ReferTo = null)
{
    /// <summary>"How to pay:" for these invoices, or "" when nothing is known (see <see cref="Payments.HowToPay"/>).</summary>
    public string HowToPay(IEnumerable<InvoiceView> invoices) => Payments.HowToPay.Block(Payment, invoices);

    /// <summary>When something addressed to the client (an email) may go: working hours in the client's zone when one is set.</summary>
    public DateTimeOffset NextAllowedForClient(ChaseCalendar calendar, DateTimeOffset now) =>
        (TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? calendar.In(zone) : calendar).NextAllowed(now);

    /// <summary>Who a channel message about the client mentions: its owner, or nobody while none is set.</summary>
    public IReadOnlyList<string> Mentions => OwnerKnown ? [Owner] : [];

    /// <summary>The client as messages see it: the default owner and channel stand in for ones not set.</summary>
    public static ClientView From(Client client, ChaseSettings settings) =>
        new(client.Id, client.Name, client.BillingEmail, client.CcAddresses, client.OwnerUserId ?? settings.DefaultOwner,
            client.Channel ?? settings.DefaultChannel, client.Clauses.LateFeeTerms, client.Clauses.OwnedUntilPaid == true,
            settings.OwnerKnown(client.OwnerUserId), client.TimeZone, settings.Payment,
            client.Clauses.PermitsReferral == true ? client.Clauses.ReferTo : null);
}

/// <summary>Money received towards an invoice that is still owing: the total of the payments, and the day of the last.</summary>
public sealed record PartPayment(decimal Amount, DateOnly On);

/// <summary>What a client text acknowledges before it asks for anything.</summary>
public static class Acknowledgement
{
    /// <summary>
    /// What the client did since they last heard from us, acknowledged first: "Thank you for resolving your query about
    /// invoice 0031 with us." and "Thank you for your payment of GBP 1,000.00 on 8 March 2027 towards invoice 1001;
    /// GBP 2,000.00 remains due.", then a blank line; "" when there is nothing.
    /// </summary>
    public static string Of(IEnumerable<InvoiceView> invoices)
    {
        var list = invoices.ToList();
        var thanked = list.Where(i => i.QueryResolved).Select(i => $"Thank you for resolving your query about invoice {i.Number} with us.")
            .Concat(list.Where(i => i.Received is not null && i.AmountDue > 0).Select(i =>
            $"Thank you for your payment of {i.Currency} {Exports.Parsing.Money.Format(i.Received!.Amount)} on {CaseHistory.Long(i.Received.On)} " +
            $"towards invoice {i.Number}; {i.Amount} remains due.")).ToList();
        return thanked.Count == 0 ? "" : string.Join("\n", thanked) + "\n\n";
    }
}

/// <summary>What a message needs to know about an invoice on the day it is written.</summary>
/// <param name="PaymentLink">Where the client can pay it online, when the export says.</param>
/// <param name="Received">Part-payments the client has not yet been thanked for in a message that reached them.</param>
/// <param name="QueryResolved">A dispute on it was resolved since the client last heard from us: the next text says so.</param>
public sealed record InvoiceView(long Id, string Number, string Currency, decimal Total, decimal AmountDue, DateOnly? IssueDate, DateOnly DueDate, int DaysLate,
    string? PaymentLink = null, PartPayment? Received = null, bool QueryResolved = false)
{
    public string Amount => $"{Currency} {Exports.Parsing.Money.Format(AmountDue)}";

    /// <summary>"1 day", "12 days": how late, in words.</summary>
    public string Late => DaysLate == 1 ? "1 day" : $"{DaysLate} days";

    public static InvoiceView From(Invoice invoice, DateOnly today) =>
        new(invoice.Id, invoice.Number, invoice.Currency, invoice.Total, invoice.AmountDue, invoice.IssueDate, invoice.DueDate,
            today.DayNumber - invoice.DueDate.DayNumber, invoice.PaymentLink);
}
