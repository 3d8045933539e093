using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using ChaseBot.Worker.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Worker;

/// <summary>
/// The service's import job on a folder with two files it cannot use among six good ones: the six are imported, the
/// two are set aside (said once in the channel, not retried every run), and a changed file is tried again.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ImportJobTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly string _folder;

    public ImportJobTests() => _folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "exports")).FullName;

    public void Dispose() => _db.Dispose();

    private ImportJob Job(RefusedExports refused) => new(new FolderImport(_db.Importer(), _db.Factory),
        Options.Create(new ExportOptions { Folder = _folder, SettleTime = TimeSpan.Zero }), refused, NullLogger<ImportJob>.Instance,
        new ExportSetAsideNotice(_db.Factory, new ChaseSettings(Options.Create(new ChaseOptions())), Clocks.At("2026-11-23T10:00:00Z")));

    [Fact]
    public async Task Six_good_exports_are_imported_and_a_blank_and_a_badly_encoded_one_are_set_aside_and_said_once()
    {
        foreach (var sample in new[] { "xero-invoices-nz.csv", "quickbooks-invoice-list.csv", "quickbooks-ar-aging-detail.csv", "stripe-invoices.csv",
                     "zoho-books-invoices.csv", "invoiceninja-v4-invoices.csv" })
            File.Copy(Samples.File(sample), Path.Combine(_folder, sample));
        await File.WriteAllTextAsync(Path.Combine(_folder, "blank.csv"), ",,,\n,,,\n");
        // UTF-16 that lost its byte order mark: which byte of each pair comes first is not said.
        await File.WriteAllBytesAsync(Path.Combine(_folder, "report.csv"),
            System.Text.Encoding.Unicode.GetBytes(await File.ReadAllTextAsync(Samples.File("xero-invoices-nz.csv"))));
        var refused = new RefusedExports();

        await Job(refused).Execute(null!, CancellationToken.None);
        await Job(refused).Execute(null!, CancellationToken.None); // the next run, five seconds later

        await using var db = _db.Open();
        var runs = await db.ImportRuns.ToListAsync();
        Assert.Equal(6, runs.Count(r => r.Outcome == ImportOutcome.Imported));
        Assert.Equal(["blank.csv", "report.csv"], runs.Where(r => r.Outcome == ImportOutcome.Refused).Select(r => r.FileName).Order());
        Assert.Equal(8, runs.Count); // nothing tried twice
        Assert.DoesNotContain(runs, r => r.Outcome == ImportOutcome.Running);
        var notices = await db.Outbox.Where(m => m.Kind == OutboxKinds.ExportSetAside).OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(2, notices.Count);
        var blank = ChatMessage.FromJson(notices.Select(n => n.Body).Single(b => b.Contains("blank.csv", StringComparison.Ordinal)));
        Assert.Equal("Not imported: blank.csv", blank.Title);
        Assert.Equal("ChaseBot set this export aside: the file has no rows: every line is blank.", blank.Lines[0]);
        var report = ChatMessage.FromJson(notices.Select(n => n.Body).Single(b => b.Contains("report.csv", StringComparison.Ordinal)));
        Assert.StartsWith("ChaseBot set this export aside: the file looks like UTF-16 text without a byte order mark", report.Lines[0]);

        // The Worker restarts: the two are read once more (a setting may have changed), but the channel is not told again.
        await Job(new RefusedExports()).Execute(null!, CancellationToken.None);
        Assert.Equal(10, await db.ImportRuns.CountAsync());
        Assert.Equal(2, await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.ExportSetAside));
        refused = new RefusedExports();
        await Job(refused).Execute(null!, CancellationToken.None);

        // Saved again with rows in it: tried again, and imported.
        await File.WriteAllTextAsync(Path.Combine(_folder, "blank.csv"), await File.ReadAllTextAsync(Samples.File("stripe-invoices.csv")) + "\n");
        await Job(refused).Execute(null!, CancellationToken.None);
        Assert.Equal(13, await db.ImportRuns.CountAsync()); // the second restart's two refusals, and the changed file
        Assert.Equal(ImportOutcome.Imported, (await db.ImportRuns.OrderBy(r => r.Id).LastAsync()).Outcome);
    }
}
