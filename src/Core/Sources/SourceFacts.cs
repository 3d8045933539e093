using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Sources;

/// <summary>
/// What a connected source said in one sync: its invoices as facts, when they were true, and whether they are all of the
/// source's invoices (a first sync, a full list again) or only those that changed since <see cref="SinceCursor"/>.
/// </summary>
/// <param name="Source">The ledger's name for the source, as its exports use it: "stripe", "xero", "quickbooks".</param>
/// <param name="Label">What the run is called where people read it: "Stripe sync".</param>
/// <param name="Cursor">Where this sync got to; the next one starts there.</param>
public sealed record SourceFacts(string Source, string Label, DateTime AsOf, FactsMode Mode, string? Cursor,
    IReadOnlyList<InvoiceFacts> Invoices);
