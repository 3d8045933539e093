using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

[Trait(BothProviders.Trait, BothProviders.Value)]
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
    public async Task Files_still_downloading_syncing_or_open_in_an_editor_are_not_read_and_each_is_listed_with_why()
    {
        Drop("xero.csv", "xero-invoices-nz.csv");
        var temporaries = new[] { "stripe.csv.part", "stripe.csv.crdownload", "~$book.csv", ".hidden.csv", "zoho.csv.tmp", "x.csv~" };
        foreach (var name in temporaries)
            Drop(name, "stripe-invoices.csv");

        Directory.CreateDirectory(Path.Combine(_folder, "archive"));

        var scan = await new ExportFolder(_folder).ScanAsync(TimeSpan.Zero);

        Assert.Equal(["xero.csv"], scan.Ready.Select(f => f.Name));
        Assert.Equal([.. temporaries.Order(StringComparer.Ordinal), "archive/"], scan.Skipped.Select(s => s.File).Order(StringComparer.Ordinal)
            .OrderBy(f => f == "archive/"));
        Assert.Contains("only the files directly in the export folder", scan.Skipped.Single(s => s.File == "archive/").Reason);
        Assert.Contains("hidden", scan.Skipped.Single(s => s.File == ".hidden.csv").Reason);
        Assert.Contains("still in progress", scan.Skipped.Single(s => s.File == "stripe.csv.part").Reason);
    }

    [Fact]
    public async Task A_file_still_growing_is_skipped_with_why_and_read_once_it_has_stopped_changing()
    {
        var path = Drop("xero.csv", "xero-invoices-nz.csv");
        var settle = TimeSpan.FromMilliseconds(400);
        File.AppendAllText(path, "\n"); // the download is under way when the folder is looked at
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                await File.AppendAllTextAsync(path, "\n");
                await Task.Delay(25);
            }
        });

        var whileWriting = await new ExportFolder(_folder).ScanAsync(settle);
        await writing.CancelAsync();
        await writer;
        var afterwards = await new ExportFolder(_folder).ScanAsync(settle);

        Assert.Empty(whileWriting.Ready);
        Assert.Contains("still being written", Assert.Single(whileWriting.Skipped).Reason);
        Assert.Equal("xero.csv", Assert.Single(afterwards.Ready).Name);
        Assert.Empty(afterwards.Skipped);
    }

    [Theory]
    [InlineData(0)] // a person's command reads at once
    [InlineData(300)] // the scheduled job watches it for the settle time first
    public async Task An_export_dated_a_day_ahead_is_imported_with_a_warning_that_names_the_skew(int settleMilliseconds)
    {
        var path = Drop("xero.csv", "xero-invoices-nz.csv");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(1).AddMinutes(5));
        var import = new FolderImport(_db.Importer(), _db.Factory);

        var result = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.FromMilliseconds(settleMilliseconds), quietlySkip: null);

        var summary = Assert.Single(result.Imports);
        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Contains(summary.Warnings, w => w.Contains("dated 1 day ahead of this machine's clock"));
        await using var db = _db.Open();
        Assert.Equal(7, await db.Invoices.CountAsync());
    }

    [Fact]
    public async Task The_scheduled_import_passes_over_files_it_has_imported_and_reports_a_refused_one_once()
    {
        Drop("xero.csv", "xero-invoices-nz.csv");
        File.WriteAllBytes(Path.Combine(_folder, "broken.csv"), [0, 1, 2, 3]);
        var import = new FolderImport(_db.Importer(), _db.Factory);
        var refused = new HashSet<string>();

        var first = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.Zero, refused);
        var second = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.Zero, refused);
        Drop("stripe.csv", "stripe-invoices.csv");
        var third = await import.ImportAsync(_folder, new ImportSettings(), TimeSpan.Zero, refused);

        Assert.Equal(["broken.csv", "xero.csv"], first.Imports.Select(s => s.File).Order());
        Assert.Empty(second.Imports);
        Assert.Equal(["stripe.csv"], third.Imports.Select(s => s.File));
        await using var db = _db.Open();
        Assert.Equal(3, await db.ImportRuns.CountAsync());
        Assert.Equal(1, await db.ImportRuns.CountAsync(r => r.Outcome == ImportOutcome.Refused));
    }
}
