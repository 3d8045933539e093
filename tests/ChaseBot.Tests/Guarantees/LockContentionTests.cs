using ChaseBot.Core.Commands;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// SQLite, one file, two writers: the Worker importing a large export (one long transaction) while people use /chase.
/// Nobody is told "database is locked": reads go on beside the import (WAL), writes wait their turn (busy timeout).
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class LockContentionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Commands_during_a_large_import_are_answered_and_their_changes_kept()
    {
        using var h = new ChaseHarness();
        var kauri = await h.ClientAsync("Kauri Digital Ltd");
        for (var n = 0; n < 40; n++)
            await h.InvoiceAsync(kauri, $"K-{n:D3}", 10, 1000m);
        var big = Path.Combine(h.Db.Folder, "big.csv");
        XeroExportGenerator.Write(big, 150_000); // 50,000 invoices: seconds holding the write lock

        var import = Task.Run(() => h.Db.Importer().ImportFileAsync(big, new ImportSettings()));
        var commands = h.Commands();
        async Task<List<(string Answer, TimeSpan Took, bool DuringImport)>> KeepAskingAsync(Func<int, string> command)
        {
            var answers = new List<(string, TimeSpan, bool)>();
            for (var n = 0; !import.IsCompleted; n++)
            {
                var started = DateTime.UtcNow;
                var reply = (await commands.HandleAsync(command(n), new CommandContext("U1", "slack"))).ToText();
                answers.Add((reply, DateTime.UtcNow - started, !import.IsCompleted));
                await Task.Delay(30);
            }
            return answers;
        }
        // Readers and a writer side by side with the import, as the Bot's users would be.
        var reads = KeepAskingAsync(n => n % 2 == 0 ? "status" : "status Kauri");
        var writes = KeepAskingAsync(n => $"paid K-{n:D3} 10");
        var summary = await import;
        var (readAnswers, writeAnswers) = (await reads, await writes);

        output.WriteLine($"import: {summary.Invoices} invoices. During it: {readAnswers.Count(a => a.DuringImport)} reads answered " +
                         $"(slowest {readAnswers.Max(a => a.Took).TotalMilliseconds:F0} ms); {writeAnswers.Count} payments logged, " +
                         $"the slowest after {writeAnswers.Max(a => a.Took).TotalMilliseconds:F0} ms waiting for the import's transaction");
        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.True(readAnswers.Count(a => a.DuringImport) >= 3, "reads did not go on beside the import");
        var all = readAnswers.Concat(writeAnswers).Select(a => a.Answer).ToList();
        Assert.DoesNotContain(all, a => a.Contains("locked", StringComparison.OrdinalIgnoreCase) || a.Contains("went wrong", StringComparison.OrdinalIgnoreCase));
        Assert.All(writeAnswers, a => Assert.StartsWith("Logged", a.Answer));
        Assert.Equal(writeAnswers.Count, await h.QueryAsync(db => db.Payments.CountAsync(p => p.Origin == PaymentOrigin.Logged)));
        Assert.Equal(50_000 + 40, await h.QueryAsync(db => db.Invoices.CountAsync()));
    }
}
