using System.Text.Json;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Commands;

/// <summary>
/// A Bot busy with many different clients' statuses answers them from an index in memory: the same answers the
/// database gives, never older than the question without saying so, and nothing held once the Bot is idle again.
/// </summary>
[Collection(nameof(Support.LedgerAlone))]
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ClientStatusIndexTests : IDisposable
{
    private readonly ChaseHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>Every kind of line status shows: holds of each kind, several currencies, partly paid, missing, settled, none.</summary>
    private async Task LedgerWithEveryKindOfLineAsync()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        await _h.InvoiceAsync(kauri, "INV-0101", 40, 4600m, i => i.Currency = "NZD");
        await _h.InvoiceAsync(kauri, "INV-0102", 10, 1200m, i => (i.Currency, i.AmountPaid, i.AmountDue, i.Status) = ("NZD", 200m, 1000m, InvoiceStatus.PartiallyPaid));
        await _h.InvoiceAsync(kauri, "INV-0103", -5, 800m, i => i.Currency = "NZD"); // not yet due
        await _h.InvoiceAsync(kauri, "INV-0104", 95, 300m, i => i.Currency = "AUD");
        await _h.InvoiceAsync(kauri, "INV-0105", 20, 999m, i => (i.Status, i.AmountDue, i.AmountPaid) = (InvoiceStatus.Paid, 0m, 999m));
        var kids = await _h.ClientAsync("Kauri Kids Trust"); // "Kauri" alone is ambiguous
        await _h.InvoiceAsync(kids, "KK-1", 3, 150m, i => i.MissingSince = DateTime.UtcNow);
        var moana = await _h.ClientAsync("Moana Surf School", c => (c.IsPaused, c.PausedUntil) = (true, _h.Today.AddDays(30)));
        await _h.InvoiceAsync(moana, "INV-0107", 5, 3450m, i => i.SnoozedUntil = _h.Today.AddDays(10));
        await _h.InvoiceAsync(moana, "INV-0108", 70, 500m);
        var tui = await _h.ClientAsync("Tūī Bakery", c => c.IsPaused = true); // paused with no end
        await _h.InvoiceAsync(tui, "T-1", 33, 75.5m);
        await _h.InvoiceAsync(tui, "T-2", 61, 10m, i => i.Currency = "NZD");
        var paidUp = await _h.ClientAsync("Paid Up Ltd");
        await _h.InvoiceAsync(paidUp, "P-1", 12, 100m, i => (i.Status, i.AmountDue, i.AmountPaid) = (InvoiceStatus.Paid, 0m, 100m));
        await _h.ClientAsync("Brand New Co"); // no invoices at all

        Assert.StartsWith("Dispute logged on INV-0101", await _h.SayAsync("dispute INV-0101 wrong rate", "UAPPROVER"));
        Assert.StartsWith("Promise recorded", await _h.SayAsync("promise INV-0102 2026-12-05", "UAPPROVER"));
        Assert.StartsWith("Promise recorded", await _h.SayAsync("promise INV-0108 2026-11-25", "UAPPROVER"));
    }

    private static string Json(LedgerStatusReport? report) => JsonSerializer.Serialize(report);

    [Fact]
    public async Task Every_question_the_index_answers_gets_the_report_the_database_gives()
    {
        await LedgerWithEveryKindOfLineAsync();
        await using var db = _h.Db.Open();
        var index = await ClientStatusIndex.Snapshot.ReadAsync(db, version: 1, _h.Clock.GetUtcNow(), 64L << 20, CancellationToken.None);
        var names = await db.Clients.Select(c => c.Name).ToListAsync();
        string[] questions =
        [
            .. names, .. names.Select(n => n.ToLowerInvariant()), .. names.Select(n => "  " + n.Replace(" ", "   ") + " "),
            "Kauri", "kauri digital", "Moana", "surf", "BAKERY", "Tūī", "Ltd", "New", "ka", "xy", "Nobody At All",
            "INV-0101", "INV-0105", "T-1", "inv-0101", "P-1",
        ];

        var answered = 0;
        foreach (var day in new[] { _h.Today, _h.Today.AddDays(12), _h.Today.AddDays(45) }) // promises, snoozes and pauses run out
        foreach (var question in questions)
        {
            var query = new LedgerStatus.Query(day, question);
            var fromDatabase = await LedgerStatus.RunAsync(db, query);
            if (LedgerStatus.TryAnswer(index, query, out var fromIndex))
            {
                answered++;
                Assert.True(Json(fromDatabase) == Json(fromIndex), $"\"{question}\" on {day}:\n{Json(fromDatabase)}\n{Json(fromIndex)}");
            }
            else // only a question that may be an invoice's number is left to the database
                Assert.True(await db.Invoices.AnyAsync(i => i.Number.ToUpper() == question.Trim().ToUpper()), $"\"{question}\" was left to the database");
        }
        Assert.Equal(3 * (questions.Length - 5), answered); // all but the five invoice numbers (one in lower case), on each day
        // Settled invoices are the database's to show.
        Assert.False(LedgerStatus.TryAnswer(index, new LedgerStatus.Query(_h.Today, "Paid Up Ltd", IncludeSettled: true), out _));
    }

    [Fact]
    public async Task A_busy_Bot_answers_from_memory_says_when_that_is_older_than_the_ledger_and_an_idle_one_holds_nothing()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        var invoice = await _h.InvoiceAsync(kauri, "INV-0101", 40, 4600m, i => i.Currency = "NZD");
        using var changes = new LedgerChanges(_h.Db.Factory, _h.Clock);
        var index = new ClientStatusIndex(_h.Db.Factory, _h.Clock);
        var commands = _h.Commands(changes: changes, statusIndex: index);
        // Each spelling is a question of its own (answers are kept per question), so each is computed: a different client every time.
        var spellings = Spellings("kauri digital ltd").GetEnumerator();
        async Task<string> AskAsync()
        {
            Assert.True(spellings.MoveNext());
            return (await commands.HandleAsync("status " + spellings.Current, new CommandContext("U1", "slack"))).ToText();
        }
        async Task<long> HeldFreshAsync()
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until)
            {
                var version = changes.Version()!.Value;
                if (index.For(version, out var stale) is { } held && !stale)
                    return version;
                await Task.Delay(20);
            }
            throw new TimeoutException("the index was never read at the ledger's version");
        }

        var calm = await AskAsync();
        Assert.Contains("NZD 4,600.00 owed on 1 invoice", calm);
        Assert.DoesNotContain("as of", calm[calm.IndexOf('\n')..]);
        for (var i = 0; i < ClientStatusIndex.BusyAt; i++)
            Assert.Contains("NZD 4,600.00", await AskAsync());
        await HeldFreshAsync();

        // The Worker's import pays part of the invoice, on a connection of its own.
        await using (var db = _h.Db.Open())
        {
            var changed = await db.Invoices.SingleAsync(i => i.Id == invoice.Id);
            (changed.AmountPaid, changed.AmountDue, changed.Status) = (3600m, 1000m, InvoiceStatus.PartiallyPaid);
            await db.SaveChangesAsync();
        }
        // Still busy: the index from before the payment answers at once, and says it is from before.
        var older = await AskAsync();
        var olderSpelling = spellings.Current;
        Assert.Contains("NZD 4,600.00 owed on 1 invoice", older);
        Assert.Contains($"These figures are as of {_h.Clock.GetUtcNow():HH:mm:ss}: the ledger changed a moment ago", older);
        // Read again meanwhile: the next answer is the ledger's, with no such line, and so is the same question asked again.
        await HeldFreshAsync();
        var after = await AskAsync();
        Assert.Contains("NZD 1,000.00 owed on 1 invoice", after);
        Assert.DoesNotContain("as of", after[after.IndexOf('\n')..]);
        // The answer that was older than the ledger is not given again: asked again, the question gets the ledger's.
        Assert.Equal(after, (await commands.HandleAsync("status " + olderSpelling, new CommandContext("U1", "slack"))).ToText()
            .Replace(olderSpelling, spellings.Current));

        // A minute with nothing asked: the index is let go, and the next question is the database's again.
        var version = changes.Version()!.Value;
        _h.Clock.Advance(ClientStatusIndex.LetGoAfter + TimeSpan.FromSeconds(2));
        Assert.Null(index.For(version, out _));
    }

    [Fact]
    public async Task A_ledger_too_large_for_the_memory_budget_is_answered_from_the_database_and_the_log_says_so()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        for (var i = 1; i <= 30; i++)
            await _h.InvoiceAsync(kauri, $"INV-{i:D4}", 40, 100m, x => x.Currency = "NZD");
        using var changes = new LedgerChanges(_h.Db.Factory, _h.Clock);
        var logs = new Bot.CapturedLogs();
        // 30 outstanding invoices take about 6 KB held; half of 8 KB is less.
        var index = new ClientStatusIndex(_h.Db.Factory, _h.Clock, logs.CreateLogger("status"), budgetBytes: 8 << 10);
        var commands = _h.Commands(changes: changes, statusIndex: index);
        var spellings = Spellings("kauri digital ltd").GetEnumerator();

        for (var i = 0; i <= ClientStatusIndex.BusyAt + 20; i++) // busy: an index is wanted
        {
            Assert.True(spellings.MoveNext());
            var answer = (await commands.HandleAsync("status " + spellings.Current, new CommandContext("U1", "slack"))).ToText();
            Assert.Contains("NZD 3,000.00 owed on 30 invoices", answer);
            Assert.DoesNotContain("as of", answer[answer.IndexOf('\n')..]);
        }
        var until = DateTime.UtcNow.AddSeconds(30);
        while (logs.Lines.IsEmpty && DateTime.UtcNow < until)
            await Task.Delay(20);
        var warning = Assert.Single(logs.Lines).Message;
        Assert.Contains("over half of Status:IndexMemoryBudget", warning);
        Assert.Null(index.For(changes.Version()!.Value, out _)); // nothing held, and not read again for a while
        Assert.Single(logs.Lines);

        // With room for it, the same ledger is held.
        var roomy = new ClientStatusIndex(_h.Db.Factory, _h.Clock, budgetBytes: 64 << 10);
        for (var i = 0; i <= ClientStatusIndex.BusyAt; i++)
            roomy.For(changes.Version()!.Value, out _);
        until = DateTime.UtcNow.AddSeconds(30);
        while (roomy.For(changes.Version()!.Value, out _) is null && DateTime.UtcNow < until)
            await Task.Delay(20);
        Assert.NotNull(roomy.For(changes.Version()!.Value, out _));
    }

    /// <summary>The text in every mix of upper and lower case.</summary>
    private static IEnumerable<string> Spellings(string text)
    {
        var letters = text.Select((c, i) => (c, i)).Where(x => char.IsLetter(x.c)).Select(x => x.i).ToArray();
        for (var mask = 0L; mask < 1L << letters.Length; mask++)
        {
            var chars = text.ToCharArray();
            for (var bit = 0; bit < letters.Length; bit++)
                if ((mask & (1L << bit)) != 0)
                    chars[letters[bit]] = char.ToUpperInvariant(chars[letters[bit]]);
            yield return new string(chars);
        }
    }
}
