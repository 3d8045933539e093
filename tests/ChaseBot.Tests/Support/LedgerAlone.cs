namespace ChaseBot.Tests.Support;

/// <summary>
/// Tests that a ledger with no commits stays "unchanged" run alone: on PostgreSQL the change probe (LedgerChanges) reads
/// the server's snapshot, which any other test's commit in another database moves, so one running beside them would see
/// the ledger change when it did not (correctly, for the probe; wrongly, for the test).
/// </summary>
[CollectionDefinition(nameof(LedgerAlone), DisableParallelization = true)]
public sealed class LedgerAlone;
