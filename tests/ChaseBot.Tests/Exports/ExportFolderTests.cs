using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

public sealed class ExportFolderTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly string _folder;

    public ExportFolderTests() => _folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "drop")).FullName;

    public void Dispose() => _db.Dispose();

    private string Drop(string name, string sample)
    {
        var path = Path.Combine(_folder, name);
        File.Copy(Samples.File(sample), path);
        return path;
    }

    [Fact]
    public void Files_still_downloading_syncing_or_open_in_an_editor_are_not_read()
    {
        Drop("xero.csv", "xero-invoices-nz.csv");
        foreach (var name in new[] { "stripe.csv.part", "stripe.csv.crdownload", "~$book.csv", ".hidden.csv", "zoho.csv.tmp", "x.csv~" })
            Drop(name, "stripe-invoices.csv");

        var ready = new ExportFolder(_folder, TimeProvider.System).ReadyFiles(TimeSpan.Zero);

        Assert.Equal(["xero.csv"], ready.Select(f => f.Name));
    }

    [Fact]
    public void A_file_is_read_only_once_it_has_stopped_changing_for_the_settle_time()
    {
        var path = Drop("xero.csv", "xero-invoices-nz.csv");
        var written = File.GetLastWriteTimeUtc(path);
        var clock = new FakeClock(new DateTimeOffset(written, TimeSpan.Zero).AddSeconds(4));
        var folder = new ExportFolder(_folder, clock);

        Assert.Empty(folder.ReadyFiles(TimeSpan.FromSeconds(10)));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Single(folder.ReadyFiles(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_scheduled_import_passes_over_files_it_has_imported_and_reports_a_refused_one_once()
    {
        Drop("xero.csv", "xero-invoices-nz.csv");
        File.WriteAllBytes(Path.Combine(_folder, "broken.csv"), [0, 1, 2, 3]);
        var import = new FolderImport(_db.Importer(), _db.Factory, TimeProvider.System);
        var refused = new HashSet<string>();

        var first = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.Zero, refused);
        var second = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.Zero, refused);
        Drop("stripe.csv", "stripe-invoices.csv");
        var third = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.Zero, refused);

        Assert.Equal(["broken.csv", "xero.csv"], first.Select(s => s.File).Order());
        Assert.Empty(second);
        Assert.Equal(["stripe.csv"], third.Select(s => s.File));
        await using var db = _db.Open();
        Assert.Equal(3, await db.ImportRuns.CountAsync());
        Assert.Equal(1, await db.ImportRuns.CountAsync(r => r.Outcome == ImportOutcome.Refused));
    }
}
