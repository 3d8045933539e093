using System.Text;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// Generated input, seeded and reproducible: CHASEBOT_FUZZ_SEED picks the seed (the default is fixed, so CI is
/// repeatable) and CHASEBOT_FUZZ_SCALE multiplies the counts for a longer soak. A failure names the seed and the input.
/// </summary>
public sealed class FuzzTests
{
    private static readonly int Seed = SeedOr(20261121);
    private static readonly int Scale = FuzzScale;

    /// <summary>CHASEBOT_FUZZ_SEED when set, else the suite's own fixed seed (so CI is repeatable).</summary>
    internal static int SeedOr(int fixedSeed) => int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_FUZZ_SEED"), out var s) ? s : fixedSeed;

    /// <summary>CHASEBOT_FUZZ_SCALE: how many times the CI counts a longer soak runs.</summary>
    internal static int FuzzScale => int.TryParse(Environment.GetEnvironmentVariable("CHASEBOT_FUZZ_SCALE"), out var k) ? k : 1;

    private static readonly string[] Verbs =
        ["status", "paid", "dispute", "resolve", "promise", "snooze", "resume", "client", "digest", "morale", "help", "PAID", "Status", "frobnicate", ""];

    private static readonly string[] Words =
    [
        "INV-0101", "inv-0101", "INV-O101", "ＩＮＶ-0101", "INV‐0101", "INV-0101\u200B", "1001", "A1B2C3D4-0003", "Kauri", "Kauri Digital Ltd",
        "\"Kauri Digital Ltd\"", "\"unterminated", "'", "''", "\\", "--", ";", "DROP TABLE Invoices;--", "' OR 1=1 --", "<script>alert(1)</script>",
        "=HYPERLINK(\"http://x\")", "@here", "<!channel>", "<@U0NOBODY>", "<@U1>", "<@>", "<#C1|general>", "<#>", "<https://evil.example|click>",
        "0", "-1", "-0.01", "0.001", "1", "100", "1,000.50", "1.000,50", "99999999999999999999999999999", "1e400", "NaN", "Infinity", "٣٠٠", "$50",
        "NZD", "USD", "nzd", "XXX", "€", "today", "tomorrow", "yesterday", "in", "7", "days", "fortnights", "2026-11-30", "2026-02-30", "0001-01-01",
        "9999-12-31", "2099-01-01", "1/2/2026", "31/12/2026", "owner", "channel", "cc", "allow", "deny", "pause", "resume", "on", "off", "public",
        "service-changes", "suspension", "ap@kauri.example", "not-an-email", "\t", "\u0000", "\uFFFD", "\uD83D\uDE00", "\u202Egnp.exe", "Ω", "İ",
    ];

    [Fact]
    public async Task Thousands_of_generated_commands_get_an_answer_and_never_an_error_or_a_broken_ledger()
    {
        using var h = new ChaseHarness();
        var kauri = await h.ClientAsync("Kauri Digital Ltd");
        await h.InvoiceAsync(kauri, "INV-0101", 10, 4600m, i => i.Currency = "NZD");
        await h.InvoiceAsync(kauri, "INV-0102", 40, 1200m, i => i.Currency = "NZD");
        await h.InvoiceAsync(await h.ClientAsync("Blue Ridge Outfitters"), "1001", 50, 4500m);
        var commands = h.Commands(new ChatOptions { Collectors = ["U1", "alice"], Viewers = ["U1", "alice", "U2"] });
        var users = new[] { "U1", "U2", "U3", "alice" };
        var random = new Random(Seed);
        var count = 2000 * Scale;

        for (var i = 0; i < count; i++)
        {
            var text = Command(random);
            var user = users[random.Next(users.Length)];
            CommandReply reply;
            try
            {
                // From Slack, its markup is read first, as SlackInbound reads it; from Teams the text comes as typed.
                var fromSlack = random.Next(2) == 0;
                var (words, references) = fromSlack ? ChaseBot.Core.Slack.SlackMarkup.Read(text) : (text, null);
                reply = await commands.HandleAsync(words, new CommandContext(user, fromSlack ? "slack" : "teams", References: references));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {Seed}, input #{i} from {user}: {Escape(text)} threw {e}");
            }
            var answer = reply.ToText();
            Assert.False(string.IsNullOrWhiteSpace(answer), $"seed {Seed}, input #{i}: {Escape(text)} got an empty answer");
            Assert.False(answer.Contains("Something went wrong on our side"), $"seed {Seed}, input #{i}: {Escape(text)} hit an internal error");
        }

        // Some of it got through to change things (else the fuzz only ever exercised the refusals)...
        var changes = await h.QueryAsync(db => db.AuditEntries.CountAsync());
        Assert.True(changes >= 20, $"only {changes} change(s) accepted: the generated commands are too far from real ones");
        // ...and whatever was accepted, the ledger still adds up.
        var invoices = await h.QueryAsync(db => db.Invoices.ToListAsync());
        var payments = await h.QueryAsync(db => db.Payments.ToListAsync());
        Assert.All(invoices, i => Assert.True(i.AmountDue >= 0 && i.AmountPaid <= i.Total, $"{i.Number}: due {i.AmountDue}, paid {i.AmountPaid} of {i.Total}"));
        Assert.All(payments, p => Assert.True(p.Amount > 0, $"a payment of {p.Amount}"));
        Assert.All(invoices, i => Assert.Equal(i.Total - i.AmountPaid, i.AmountDue));
        foreach (var invoice in invoices)
            Assert.Equal(invoice.AmountPaid, payments.Where(p => p.InvoiceId == invoice.Id).Sum(p => p.Amount));
    }

    /// <summary>Half near-valid commands, each argument sometimes swapped for junk; half word salad.</summary>
    private static string Command(Random random) => random.Next(2) == 0 ? Shaped(random) : Salad(random);

    private static string Shaped(Random random)
    {
        string Pick(params string[] options) => random.Next(6) == 0 ? Words[random.Next(Words.Length)] : options[random.Next(options.Length)];
        var invoice = Pick("INV-0101", "INV-0102", "1001", "inv-0102");
        var client = Pick("Kauri", "\"Kauri Digital Ltd\"", "\"Blue Ridge Outfitters\"");
        var amount = Pick("10", "25.50", "100", "NZD 5", "USD 7.25", "1,000.00");
        var date = Pick("today", "2026-11-20", "2026-11-22", "tomorrow", "in 3 days", "2026-12-15");
        var command = random.Next(11) switch
        {
            0 => $"paid {invoice} {amount} {(random.Next(2) == 0 ? Pick("today", "2026-11-20") : "")}",
            1 => $"dispute {invoice} {Pick("wrong amount", "never received", "\"quoted reason\"")}",
            2 => $"resolve {invoice} {Pick("", "sorted", "credit note issued")}",
            3 => $"promise {invoice} {date} {(random.Next(2) == 0 ? amount : "")}",
            4 => $"snooze {(random.Next(2) == 0 ? invoice : client)} {Pick("3", "14", "2026-12-01", "400")}",
            5 => $"resume {(random.Next(2) == 0 ? invoice : client)}",
            6 => $"client {client} {Pick("owner <@U7>", "channel <#C9|ar>", "cc ap@kauri.example", "allow service-changes", "deny suspension", "pause", "resume")}",
            7 => $"status {Pick("", invoice, client, "public")}",
            8 => $"morale {Pick("on", "off")}",
            9 => $"help {Pick("paid", "client", "")}",
            _ => "digest",
        };
        return command.Trim();
    }

    private static string Salad(Random random)
    {
        var words = new List<string> { Verbs[random.Next(Verbs.Length)] };
        var length = random.Next(6);
        for (var j = 0; j < length; j++)
            words.Add(random.Next(10) switch
            {
                0 => RandomText(random, random.Next(1, 40)),
                1 => random.Next(-1000000, 1000000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => Words[random.Next(Words.Length)],
            });
        var text = string.Join(random.Next(8) == 0 ? "  \u00A0" : " ", words);
        return random.Next(50) == 0 ? text + new string('x', random.Next(1500, 2600)) : text;
    }

    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
            text.Append(random.Next(4) switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0x00, 0x20),
                2 => (char)random.Next(0xA0, 0x2FFF),
                _ => (char)random.Next(0xD800, 0xE000), // lone surrogates: invalid UTF-16, as a broken client might send
            });
        return text.ToString();
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c < 0x20 || c is >= '\uD800' and < '\uE000' ? $"\\u{(int)c:X4}" : c.ToString()));

    [Fact]
    public async Task Thousands_of_mangled_exports_are_imported_or_refused_never_crash_and_keep_the_ledger_sound()
    {
        using var db = new TestDatabase();
        var samples = new[] { "xero-invoices-nz.csv", "quickbooks-invoice-list.csv", "quickbooks-ar-aging-detail.csv", "stripe-invoices.csv",
                              "zoho-books-invoices.csv", "invoiceninja-v4-invoices.csv" }
            .Select(name => File.ReadAllBytes(Samples.File(name))).ToArray();
        var importer = db.Importer();
        var random = new Random(Seed);
        var count = 1500 * Scale;
        var outcomes = new Dictionary<ImportOutcome, int>();

        for (var i = 0; i < count; i++)
        {
            var bytes = Mangle(random, samples[random.Next(samples.Length)]);
            var path = Path.Combine(db.Folder, $"fuzz-{i}.csv");
            await File.WriteAllBytesAsync(path, bytes);
            ImportSummary summary;
            try
            {
                summary = await importer.ImportFileAsync(path, new ImportSettings { DateOrder = random.Next(3) == 0 ? DateOrder.DayFirst : DateOrder.Unknown });
            }
            catch (Exception e)
            {
                var kept = Path.Combine(Path.GetTempPath(), $"chasebot-fuzz-{Seed}-{i}.csv");
                File.Copy(path, kept, overwrite: true);
                throw new Xunit.Sdk.XunitException($"seed {Seed}, export #{i} (kept at {kept}) threw {e}");
            }
            File.Delete(path);
            Assert.True(summary.Outcome is ImportOutcome.Imported or ImportOutcome.Refused or ImportOutcome.AlreadyImported,
                $"seed {Seed}, export #{i}: {summary.Outcome} {summary.Message}");
            if (summary.Refused)
                Assert.False(string.IsNullOrWhiteSpace(summary.Message), $"seed {Seed}, export #{i} was refused without a reason");
            outcomes[summary.Outcome] = outcomes.GetValueOrDefault(summary.Outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault(ImportOutcome.Imported) > count / 10, "almost nothing imported: the mangling is too crude to test the reader");
        Assert.True(outcomes.GetValueOrDefault(ImportOutcome.Refused) > count / 20, "almost nothing refused: the mangling is too gentle");
        await using var after = db.Open();
        Assert.False(await after.ImportRuns.AnyAsync(r => r.Outcome == ImportOutcome.Running), "an import was left half-done");
        Assert.False(await after.Invoices.AnyAsync(i => i.AmountDue < 0 || i.Number == ""), "an invoice with a negative balance or no number");
    }

    /// <summary>One to four damaging edits of a real export.</summary>
    private static byte[] Mangle(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        for (var edits = random.Next(1, 5); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(11))
            {
                case 0: bytes.RemoveRange(at, bytes.Count - at); break; // truncated
                case 1: bytes[at] = (byte)random.Next(256); break; // a flipped byte
                case 2: bytes.Insert(at, (byte)'"'); break; // a stray quote
                case 3: bytes.Insert(at, (byte)random.Next(2) switch { 0 => (byte)',', _ => (byte)';' }); break; // a shifted column
                case 4: bytes.InsertRange(at, "\r\n"u8.ToArray()); break; // a broken line
                case 5: bytes.Insert(at, 0); break; // a NUL
                case 6: bytes.InsertRange(at, Encoding.UTF8.GetBytes("=HYPERLINK(\"http://evil.example\",\"pay here\")")); break;
                case 7: // a line duplicated, maybe with a different amount: conflicting invoice rows
                    var start = bytes.LastIndexOf((byte)'\n', at) + 1;
                    var end = bytes.IndexOf((byte)'\n', at);
                    if (end > start)
                    {
                        var line = bytes.GetRange(start, end - start + 1);
                        var digit = line.FindIndex(b => b is >= (byte)'1' and <= (byte)'9');
                        if (digit >= 0 && random.Next(2) == 0)
                            line[digit] = (byte)('1' + random.Next(9));
                        bytes.InsertRange(end + 1, line);
                    }
                    break;
                case 8: // a line removed
                    var from = bytes.LastIndexOf((byte)'\n', at) + 1;
                    var to = bytes.IndexOf((byte)'\n', at);
                    if (to > from)
                        bytes.RemoveRange(from, to - from + 1);
                    break;
                case 9: bytes.InsertRange(at, Enumerable.Repeat((byte)'9', random.Next(20, 400))); break; // a huge number or field
                default: bytes.InsertRange(at, Encoding.UTF8.GetBytes(RandomText(random, random.Next(1, 30)))); break;
            }
        }
        return random.Next(25) switch
        {
            0 => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString([.. bytes]))], // re-encoded as UTF-16
            1 => [.. bytes.Take(bytes.Count / 2)], // cut in half
            _ => [.. bytes],
        };
    }
}
