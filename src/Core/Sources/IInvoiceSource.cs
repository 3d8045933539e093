using ChaseBot.Core.Exports;

namespace ChaseBot.Core.Sources;

/// <summary>What a source's own error means, for people: the problem in words, and whether the books refused ChaseBot's credentials.</summary>
/// <param name="Title">The heading of the message approvers get when the books refused: "Stripe refused ChaseBot's key" unless said.</param>
public sealed record SourceProblem(string Words, bool Refused, string? Title = null);

/// <summary>The organisation a source reads and what is left of its day's calls, where the books say (Xero).</summary>
/// <param name="Refused">Why the books no longer accept the connection, when they do not.</param>
public sealed record SourceAccount(string? Organisation, int? CallsLeftToday, int? DayLimit, bool BudgetLow, string? Refused);

/// <summary>
/// A set of books ChaseBot reads live (Stripe; Xero and QuickBooks Online next). Everything else — the ledger, the
/// schedule, the check before sending, <c>sources</c> — works through this, so a new source is one folder and one
/// registration.
/// </summary>
public interface IInvoiceSource
{
    /// <summary>The ledger's name for its invoices' source, as its exports use it: "stripe".</summary>
    string Name { get; }

    /// <summary>What people call it: "Stripe".</summary>
    string DisplayName { get; }

    /// <summary>It has what it needs to be read (a key, a connection).</summary>
    bool Configured { get; }

    /// <summary>A sync: every invoice the first time (or when changes can no longer be read), else what changed since the last.</summary>
    Task<ImportSummary> SyncAsync(string startedBy, CancellationToken cancellationToken);

    /// <summary>These invoices (by their id in the source) read again as they are now, and written.</summary>
    Task<ImportSummary> RefreshAsync(IReadOnlyCollection<string> sourceIds, string startedBy, CancellationToken cancellationToken);

    /// <summary>Which organisation, and the day's budget, for <c>sources</c>; null when the books have neither (Stripe).</summary>
    Task<SourceAccount?> AccountAsync(CancellationToken cancellationToken) => Task.FromResult<SourceAccount?>(null);

    /// <summary>What <paramref name="error"/> means when it is this source's failing to answer; null when it is not.</summary>
    SourceProblem? Explain(Exception error);
}
