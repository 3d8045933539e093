using Microsoft.Extensions.Time.Testing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Storage;

/// <summary>
/// The commit counter the Bot serves repeated status answers by: it must move on every commit from anywhere, never on
/// a read, and a probe connection is not trusted forever.
/// </summary>
[Collection(nameof(Support.LedgerAlone))]
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class LedgerChangesTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_version_moves_with_every_commit_from_another_connection_and_not_with_reads()
    {
        using var changes = new LedgerChanges(_db.Factory, TimeProvider.System);
        var before = changes.Version();
        Assert.NotNull(before);

        await using (var db = _db.Open())
            Assert.Equal(0, await db.Invoices.CountAsync());
        // PostgreSQL's snapshot also moves with writes in the server's other databases (other tests, running at the same
        // time): there a version never stays put wrongly, but it may move needlessly, so only moving is asserted.
        if (!TestDatabase.OnPostgres)
            Assert.Equal(before, changes.Version());

        await _db.CommitClientAsync("Kauri Digital Ltd");
        var afterOne = changes.Version();
        Assert.NotEqual(before, afterOne);
        if (!TestDatabase.OnPostgres)
            Assert.Equal(afterOne, changes.Version());

        await _db.CommitClientAsync("Blue Ridge Outfitters");
        Assert.NotEqual(afterOne, changes.Version());
    }

    [Fact]
    public void A_probe_older_than_its_reopen_interval_is_opened_afresh_and_earlier_versions_no_longer_match()
    {
        var clock = new FakeTimeProvider();
        using var changes = new LedgerChanges(_db.Factory, clock, reopenAfter: TimeSpan.FromSeconds(30));
        var first = changes.Version();
        clock.Advance(TimeSpan.FromSeconds(29));
        var notYet = changes.Version();
        Assert.Equal(first >> 40, notYet >> 40); // the same probe connection (its generation is the high bits)

        clock.Advance(TimeSpan.FromSeconds(2));

        var reopened = changes.Version();
        Assert.Equal((first >> 40) + 1, reopened >> 40); // nothing committed, but a new connection may not be comparing like with like
        Assert.NotEqual(first, reopened);
        if (!TestDatabase.OnPostgres)
            Assert.Equal(reopened, changes.Version());
    }
}
