using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using ChaseBot.Worker.CommandLine;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Worker;

public sealed class WorkerServiceTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task With_no_verb_the_Worker_runs_Quartz_which_imports_the_export_folder_on_its_schedule()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "exports")).FullName;
        File.Copy(Samples.File("xero-invoices-nz.csv"), Path.Combine(folder, "xero.csv"));
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
            ["Worker:HealthUrls"] = Loopback.FreeUrl(),
            ["Exports:Folder"] = folder,
            ["Exports:SettleTime"] = "00:00:00",
            ["Exports:Schedule"] = "0/1 * * * * ?", // every second, so the test does not wait 15 minutes
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var service = WorkerCommandLine.RunAsync([], TextWriter.Null, TextWriter.Null, null, settings, stop.Token);
        var imported = false;
        while (!imported && !stop.IsCancellationRequested && !service.IsCompleted)
        {
            await Task.Delay(200);
            await using var db = _db.Open();
            imported = await db.ImportRuns.AnyAsync(r => r.Outcome == ImportOutcome.Imported);
        }
        await stop.CancelAsync();
        var exitCode = await service;

        Assert.True(imported, "the scheduled import job never imported the folder");
        Assert.Equal(0, exitCode);
        await using var after = _db.Open();
        Assert.Equal(7, await after.Invoices.CountAsync());
        Assert.Equal(1, await after.ImportRuns.CountAsync()); // Later runs passed over the known file quietly.
    }

    [Fact]
    public async Task The_service_chases_on_its_schedule_and_delivers_through_the_outbox()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_db.Folder, "exports")).FullName;
        File.Copy(Samples.File("stripe-invoices.csv"), Path.Combine(folder, "stripe.csv"));
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
            ["Worker:HealthUrls"] = Loopback.FreeUrl(),
            ["Exports:Folder"] = folder,
            ["Exports:SettleTime"] = "00:00:00",
            ["Exports:Schedule"] = "0/1 * * * * ?",
            ["Chase:Schedule"] = "0/1 * * * * ?",
            ["Delivery:Schedule"] = "0/1 * * * * ?",
            ["Chase:QuietHoursStart"] = "00:00", // no quiet hours, no quiet days: deliver whenever the test runs
            ["Chase:QuietHoursEnd"] = "00:00",
            ["Chase:QuietDays:0"] = "",
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var service = WorkerCommandLine.RunAsync([], TextWriter.Null, TextWriter.Null, null, settings, stop.Token);
        var delivered = 0;
        while (delivered == 0 && !stop.IsCancellationRequested && !service.IsCompleted)
        {
            await Task.Delay(250);
            await using var db = _db.Open();
            delivered = await db.Outbox.CountAsync(m => m.DeliveredAt != null && m.Platform == "console");
        }
        await stop.CancelAsync();
        Assert.Equal(0, await service);

        Assert.True(delivered > 0, "the chase and outbox jobs never delivered anything");
        await using var after = _db.Open();
        Assert.True(await after.ChaseSteps.AnyAsync() || await after.CaseSteps.AnyAsync()); // reminders, or rungs of a case
    }

    [Fact]
    public async Task The_service_names_its_ledger_at_start_and_probes_do_not_flood_the_log()
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}", ["Exports:Folder"] = _db.Folder };
        await using var worker = WorkerProcess.Start(_db.Folder, settings);
        await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(worker.HealthUrl) };
        for (var i = 0; i < 5; i++)
            Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        var linesBefore = worker.Log.Count;
        for (var i = 0; i < 20; i++)
            await http.GetStringAsync("/healthz");
        await worker.TerminateAsync(TimeSpan.FromSeconds(30));

        Assert.Contains($"Ledger: SQLite file {_db.Path}", worker.Messages);
        Assert.DoesNotContain(worker.Log, l => l.GetRawText().Contains("/healthz", StringComparison.Ordinal));
        Assert.True(worker.Log.Count - linesBefore < 10, $"{worker.Log.Count - linesBefore} lines for 20 probes and a shutdown");
    }

    [Fact]
    public async Task The_running_Worker_answers_its_probes_and_a_second_one_on_the_same_SQLite_file_is_refused()
    {
        var url = Loopback.FreeUrl();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
            ["Worker:HealthUrls"] = url,
            ["Exports:Folder"] = _db.Folder,
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = WorkerCommandLine.RunAsync([], TextWriter.Null, TextWriter.Null, null, settings, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        string? ready = null;
        for (var i = 0; i < 100 && ready != "ready"; i++)
        {
            await Task.Delay(100);
            try { ready = await http.GetStringAsync("/readyz"); }
            catch (HttpRequestException) { /* not listening yet */ }
        }

        var secondError = new StringWriter();
        var second = await WorkerCommandLine.RunAsync([], TextWriter.Null, secondError, null,
            new Dictionary<string, string?>(settings) { ["Worker:HealthUrls"] = Loopback.FreeUrl() }, stop.Token);
        var live = await http.GetStringAsync("/healthz");
        await stop.CancelAsync();

        Assert.Equal("ready", ready);
        Assert.Equal("ok", live);
        Assert.Equal(2, second);
        Assert.Contains("Another Worker is already running the scheduler", secondError.ToString());
        Assert.Equal(0, await first);
    }

    [Fact]
    public async Task A_schedule_that_is_not_a_cron_expression_stops_the_service_at_start_with_a_clear_message()
    {
        var stderr = new StringWriter();
        var code = await WorkerCommandLine.RunAsync([], TextWriter.Null, stderr, null, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chase"] = $"Data Source={_db.Path}",
            ["Exports:Schedule"] = "every 15 minutes",
        });

        Assert.Equal(2, code);
        Assert.Contains("Exports:Schedule", stderr.ToString());
    }
}
