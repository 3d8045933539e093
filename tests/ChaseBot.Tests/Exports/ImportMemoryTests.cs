using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Xunit.Abstractions;

namespace ChaseBot.Tests.Exports;

[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>
/// (Run on SQLite: on PostgreSQL the retained heap varies by a few MiB between identical runs, from the driver's
/// pooled buffers, which swamps what this test measures; peak memory there belongs to the benchmarks.)
/// Streaming, measured by what the import holds on to (live heap after a full collection at each batch boundary),
/// not by wall time. Peak process memory for 3,000 and 300,000 rows is in bench/import-memory.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class ImportMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Memory_held_during_an_import_does_not_grow_with_the_size_of_the_file()
    {
        await PeakRetainedBytes(300); // Warm up: EF's model, query caches, the SQLite library.
        var small = await PeakRetainedBytes(3_000);
        var large = await PeakRetainedBytes(30_000);

        output.WriteLine($"retained above baseline: 3,000 rows {small / 1024} KiB; 30,000 rows {large / 1024} KiB");
        // Ten times the rows may not hold more than a couple of MiB more (an O(rows) list of 30,000 rows would).
        Assert.True(large - small < 2 * 1024 * 1024,
            $"30,000 rows held {large / 1024} KiB, 3,000 rows {small / 1024} KiB: memory grows with the file");
    }

    private static async Task<long> PeakRetainedBytes(int rows)
    {
        using var db = new TestDatabase();
        var path = Path.Combine(db.Folder, $"xero-{rows}.csv");
        XeroExportGenerator.Write(path, rows);
        var importer = db.Importer();
        var baseline = Live();
        long peak = 0;

        var summary = await importer.ImportFileAsync(path, new ImportSettings { Progress = new Reported<ImportProgress>(_ => peak = Math.Max(peak, Live())) });

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Equal(rows / 3, summary.Invoices);
        // Below zero means the baseline still held something of an earlier test that was freed meanwhile (seen: -2 MiB
        // for 3,000 rows): the import held nothing above it, and that noise must not count as growth.
        return Math.Max(0, peak - baseline);
    }

    private static long Live()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
