namespace ChaseBot.Core.Ledger;

/// <summary>
/// How invoice numbers of one source compare: without regard to case. "INV-0102" and "inv-0102" in one source are one
/// invoice, because chat matches what people type without regard to case, and two invoices it cannot tell apart could
/// never be paid or paused from chat.
/// </summary>
public static class InvoiceNumbers
{
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;
}
