using System.Globalization;
using System.Text;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// The hostile shapes of issue 27, generated from the sample exports and a ledger that already holds them: stray bytes,
/// other encodings, Unicode digits, both separator conventions, invisible and bidi characters, blank-ish files.
/// Seeded like <see cref="FuzzTests"/> (CHASEBOT_FUZZ_SEED, CHASEBOT_FUZZ_SCALE); a failure names the seed and keeps the file.
/// </summary>
public sealed class HostileExportFuzzTests
{
    private static readonly int Seed = FuzzTests.SeedOr(20261207);
    private static readonly int Scale = FuzzTests.FuzzScale;

    /// <summary>
    /// Clients whose names are not ASCII, what a change of encoding would rename, added to the Xero sample (one export
    /// per source: a second Xero file would be a snapshot that has the first one's invoices missing).
    /// </summary>
    private static readonly (string Client, string Email, string Number, string Issued, string Due, string Total, string Paid, string Currency)[] Accented =
    [
        ("Zürich Design AG", "ap@zurich.example", "ZU-1", "15/10/2026", "15/11/2026", "1200.00", "0.00", "CHF"),
        ("Café Olé SARL", "compta@cafe.example", "CO-7", "01/10/2026", "31/10/2026", "850.50", "100.00", "EUR"),
        ("Tōtara & Co", "accounts@totara.example", "TT-3", "20/10/2026", "20/11/2026", "12000.00", "0.00", "NZD"),
        ("Ōtautahi Print", "print@otautahi.example", "OP-12", "02/11/2026", "02/12/2026", "99.95", "0.00", "NZD"),
    ];

    private static readonly string[] SampleNames =
        ["xero-invoices-nz.csv", "quickbooks-invoice-list.csv", "quickbooks-ar-aging-detail.csv", "stripe-invoices.csv", "zoho-books-invoices.csv",
         "invoiceninja-v4-invoices.csv"];

    private sealed record Sample(string Name, string Text, List<string[]> Rows);

    private static List<Sample> Samples() =>
        [.. SampleNames.Select(n => n.StartsWith("xero", StringComparison.Ordinal) ? WithAccented(n) : Of(n, File.ReadAllText(Support.Samples.File(n))))];

    private static Sample WithAccented(string name)
    {
        var rows = Parse(File.ReadAllText(Support.Samples.File(name)).TrimStart('\uFEFF'));
        var header = rows[0].ToList();
        foreach (var a in Accented)
        {
            var row = rows[1].ToArray();
            void Set(string column, string value) => row[header.IndexOf(column)] = value;
            Set("ContactName", a.Client); Set("EmailAddress", a.Email); Set("InvoiceNumber", a.Number); Set("InvoiceDate", a.Issued);
            Set("DueDate", a.Due); Set("Total", a.Total); Set("TaxTotal", "0.00"); Set("InvoiceAmountPaid", a.Paid);
            Set("InvoiceAmountDue", (decimal.Parse(a.Total, CultureInfo.InvariantCulture) - decimal.Parse(a.Paid, CultureInfo.InvariantCulture)).ToString("0.00", CultureInfo.InvariantCulture));
            Set("UnitAmount", a.Total); Set("LineAmount", a.Total); Set("Currency", a.Currency);
            rows.Add(row);
        }
        return new Sample(name, "\uFEFF" + Write(rows), rows);
    }

    private static Sample Of(string name, string text) => new(name, text, Parse(text.TrimStart('\uFEFF')));

    /// <summary>RFC 4180 records, blank lines left out: the samples' cells, for shapes that change a cell and write the file again.</summary>
    private static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var (row, cell, quoted) = (new List<string>(), new StringBuilder(), false);
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\n';
            if (quoted)
            {
                if (c != '"')
                    cell.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"')
                    (cell, i) = (cell.Append('"'), i + 1);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
                (row, cell) = ([.. row, cell.ToString()], new StringBuilder());
            else if (c is '\n' or '\r')
            {
                row.Add(cell.ToString());
                if (row.Any(x => x.Length > 0) || row.Count > 1)
                    rows.Add([.. row]);
                (row, cell) = ([], new StringBuilder());
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
            }
            else
                cell.Append(c);
        }
        return rows;
    }

    private static string Write(IEnumerable<string[]> rows, string delimiter = ",", string newline = "\n") =>
        string.Concat(rows.Select(row => string.Join(delimiter, row.Select(cell =>
            cell.Contains(delimiter) || cell.IndexOfAny(['"', '\r', '\n']) >= 0 || cell.Trim() != cell
                ? "\"" + cell.Replace("\"", "\"\"") + "\""
                : cell)) + newline));

    private static readonly char[] InvisibleOrBidi =
        ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u061C'];

    /// <summary>Zeros of other digit sets: full-width, Arabic-Indic, Devanagari, Bengali, Thai, and mathematical bold (outside the BMP).</summary>
    private static readonly string[] UnicodeZeros = ["０", "٠", "०", "০", "๐", "𝟎"];

    private static string OtherDigit(Random random, char ascii)
    {
        var zero = UnicodeZeros[random.Next(UnicodeZeros.Length)];
        return char.ConvertFromUtf32(char.ConvertToUtf32(zero, 0) + (ascii - '0'));
    }

    private static bool IsAmountOrDate(string cell) =>
        cell.Any(char.IsAsciiDigit) && cell.All(c => char.IsAsciiDigit(c) || c is '.' or ',' or '/' or '-' or ':' or ' ' or '$' or '(' or ')');

    private enum Twin { DecimalComma, Encoding, LineEnds, UnicodeDigit, Invisible, StrayByte }

    [Fact]
    public async Task The_same_facts_in_another_shape_change_nothing_and_a_hostile_row_costs_only_itself()
    {
        using var db = new TestDatabase();
        var importer = db.Importer();
        var samples = Samples();
        var baselineRejected = new Dictionary<string, int>();
        foreach (var sample in samples)
            baselineRejected[sample.Name] = (await importer.ImportFileAsync(db.WriteFile(sample.Name, sample.Text), new ImportSettings())).RejectedCount;
        var known = await KnownNamesAsync(db);
        var before = await SnapshotAsync(db);
        var random = new Random(Seed);
        var count = 240 * Scale;

        for (var i = 0; i < count; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            var twin = (Twin)random.Next(6);
            var bytes = Shape(random, sample, twin, known);
            var summary = await ImportAsync(db, importer, i, bytes, twin.ToString());
            var what = $"seed {Seed}, {twin} of {sample.Name} #{i}";
            Assert.True(summary.Outcome is ImportOutcome.Imported or ImportOutcome.AlreadyImported, $"{what}: {summary.Outcome} {summary.Message}");
            Assert.True((summary.Created, summary.Updated) == (0, 0), $"{what}: {summary.Created} created, {summary.Updated} updated; rejected: " +
                string.Join("; ", summary.Rejected.Select(r => r.Reason)));
            if (twin is Twin.DecimalComma or Twin.Encoding or Twin.LineEnds)
                Assert.True(summary.RejectedCount == baselineRejected[sample.Name] || summary.Outcome == ImportOutcome.AlreadyImported,
                    $"{what}: {string.Join("; ", summary.Rejected.Select(r => r.Reason))}");
            else
                Assert.True(summary.RejectedCount >= baselineRejected[sample.Name], what);
            // A row whose number cannot be read (a look-alike, an unread byte or another digit in it: "๑001") may be any invoice: the one it
            // was is flagged missing, the safe side (held, not chased), and nothing else.
            Assert.True(summary.FlaggedMissing <= (twin is Twin.Invisible or Twin.StrayByte or Twin.UnicodeDigit ? 1 : 0), $"{what}: {summary.FlaggedMissing} flagged missing; rejected: " +
                    string.Join("; ", summary.Rejected.Select(r => $"line {r.Line}: {r.Reason}")) + "; warnings: " + string.Join("; ", summary.Warnings));
            Assert.Equal(before, await SnapshotAsync(db));
        }
    }

    private static byte[] Shape(Random random, Sample sample, Twin twin, HashSet<string> known)
    {
        var rows = sample.Rows.Select(r => r.ToArray()).ToList();
        // A row that holds an invoice the ledger knows, and one of its cells the shape changes.
        int PickRow() => Enumerable.Range(0, rows.Count).Where(r => rows[r].Any(known.Contains)).OrderBy(_ => random.Next()).First();
        switch (twin)
        {
            case Twin.DecimalComma:
                // "1,234.56" as "1.234,56", cells split by ';': a European spreadsheet's save of the same export.
                foreach (var row in rows)
                    for (var c = 0; c < row.Length; c++)
                        if (IsAmountOrDate(row[c]) && row[c].Contains('.') && !row[c].Contains(':'))
                            row[c] = new string(row[c].Select(ch => ch switch { '.' => ',', ',' => '.', _ => ch }).ToArray());
                return Encoding.UTF8.GetBytes(Write(rows, ";"));
            case Twin.Encoding:
                var text = Write(rows);
                return random.Next(5) switch
                {
                    0 => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
                    1 => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
                    2 => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
                    3 => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
                    // Windows-1252 where it can hold every character (it cannot hold "ō").
                    _ => text.All(ch => ch < 0x100) ? CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(text) : Encoding.UTF8.GetBytes(text),
                };
            case Twin.LineEnds:
                return Encoding.UTF8.GetBytes(Write(rows, ",", random.Next(2) == 0 ? "\r\n" : "\r"));
            case Twin.UnicodeDigit:
            {
                var row = rows[PickRow()];
                var cells = Enumerable.Range(0, row.Length).Where(c => IsAmountOrDate(row[c])).ToList();
                if (cells.Count > 0)
                {
                    var c = cells[random.Next(cells.Count)];
                    var digits = Enumerable.Range(0, row[c].Length).Where(p => char.IsAsciiDigit(row[c][p])).ToList();
                    var at = digits[random.Next(digits.Count)];
                    row[c] = row[c][..at] + OtherDigit(random, row[c][at]) + row[c][(at + 1)..];
                }
                return Encoding.UTF8.GetBytes(Write(rows));
            }
            case Twin.Invisible:
            {
                var row = rows[PickRow()];
                var cells = Enumerable.Range(0, row.Length).Where(c => known.Contains(row[c])).ToList();
                var cell = cells[random.Next(cells.Count)];
                var at = random.Next(row[cell].Length + 1);
                row[cell] = row[cell][..at] + InvisibleOrBidi[random.Next(InvisibleOrBidi.Length)] + row[cell][at..];
                return Encoding.UTF8.GetBytes(Write(rows));
            }
            default: // StrayByte: one byte UTF-8 cannot read, in a file that says it is UTF-8 (a BOM), inside a known row
            {
                var row = PickRow();
                var before = Encoding.UTF8.GetBytes(Write(rows.Take(row)));
                var line = Encoding.UTF8.GetBytes(Write(rows.Skip(row).Take(1)));
                var after = Encoding.UTF8.GetBytes(Write(rows.Skip(row + 1)));
                var at = random.Next(line.Length - 1);
                return [.. Encoding.UTF8.GetPreamble(), .. before, .. line[..at], (byte)random.Next(0x80, 0x100), .. line[at..], .. after];
            }
        }
    }

    private enum HostileShape { StrayByte, Windows1252, UnicodeDigits, Invisible, Separators, BlankIsh }

    [Fact]
    public async Task Hostile_exports_never_crash_never_rename_a_client_and_never_store_a_look_alike()
    {
        using var db = new TestDatabase();
        var importer = db.Importer();
        var samples = Samples();
        foreach (var sample in samples)
            await importer.ImportFileAsync(db.WriteFile(sample.Name, sample.Text), new ImportSettings());
        var clientsBefore = await db.Open().Clients.Select(c => c.Name).ToListAsync();
        var random = new Random(Seed);
        var count = 300 * Scale;
        var outcomes = new Dictionary<ImportOutcome, int>();

        for (var i = 0; i < count; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            var shape = (HostileShape)random.Next(6);
            var bytes = Hostile(random, sample, shape);
            var summary = await ImportAsync(db, importer, i, bytes, shape.ToString());
            var what = $"seed {Seed}, {shape} of {sample.Name} #{i}";
            Assert.True(summary.Outcome is ImportOutcome.Imported or ImportOutcome.Refused or ImportOutcome.AlreadyImported, $"{what}: {summary.Outcome} {summary.Message}");
            if (summary.Refused)
                Assert.False(string.IsNullOrWhiteSpace(summary.Message), $"{what} was refused without a reason");
            if (shape == HostileShape.BlankIsh)
                Assert.True(summary.Refused && summary.Message!.StartsWith("the file has no rows", StringComparison.Ordinal), $"{what}: {summary.Outcome} {summary.Message}");
            outcomes[summary.Outcome] = outcomes.GetValueOrDefault(summary.Outcome) + 1;
            if (i % 50 == 49 || i == count - 1)
                await AssertSoundAsync(db, clientsBefore, what);
        }
        Assert.True(outcomes.GetValueOrDefault(ImportOutcome.Imported) > count / 4, "almost nothing imported: the shapes are too crude to reach the rows");
    }

    private static byte[] Hostile(Random random, Sample sample, HostileShape shape)
    {
        var rows = sample.Rows.Select(r => r.ToArray()).ToList();
        (int Row, int Cell) AnyCell()
        {
            var r = 1 + random.Next(Math.Max(1, rows.Count - 1));
            r = Math.Min(r, rows.Count - 1);
            return (r, random.Next(rows[r].Length));
        }
        switch (shape)
        {
            case HostileShape.StrayByte:
            {
                // Anywhere, BOM or not, once or a few times: a file that is ASCII apart from the stray is Windows-1252.
                var bytes = new List<byte>(Encoding.UTF8.GetBytes(Write(rows)));
                for (var n = random.Next(1, 4); n > 0; n--)
                    bytes.Insert(random.Next(bytes.Count), (byte)random.Next(0x80, 0x100));
                return random.Next(2) == 0 ? [.. Encoding.UTF8.GetPreamble(), .. bytes] : [.. bytes];
            }
            case HostileShape.Windows1252:
            {
                // The accented names written the Windows way, with or without a UTF-8 character elsewhere.
                var text = Write(rows).Replace('ō', 'o').Replace('Ō', 'O');
                var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(text);
                return random.Next(2) == 0 ? bytes : [.. bytes, .. Encoding.UTF8.GetBytes("Ünïcode Ltd,x@y.example,U-1,01/11/2026,01/12/2026,1.00,0.00,1.00,EUR,AUTHORISED\n")];
            }
            case HostileShape.UnicodeDigits:
                for (var n = random.Next(1, 6); n > 0; n--)
                {
                    var (r, c) = AnyCell();
                    var cell = rows[r][c];
                    var digits = Enumerable.Range(0, cell.Length).Where(p => char.IsAsciiDigit(cell[p])).ToList();
                    if (digits.Count == 0)
                        continue;
                    var at = digits[random.Next(digits.Count)];
                    rows[r][c] = cell[..at] + OtherDigit(random, cell[at]) + cell[(at + 1)..];
                }
                return Encoding.UTF8.GetBytes(Write(rows));
            case HostileShape.Invisible:
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    var (r, c) = AnyCell();
                    var at = random.Next(rows[r][c].Length + 1);
                    rows[r][c] = rows[r][c][..at] + InvisibleOrBidi[random.Next(InvisibleOrBidi.Length)] + rows[r][c][at..];
                }
                return Encoding.UTF8.GetBytes(Write(rows));
            case HostileShape.Separators:
            {
                // Amounts written every way a locale writes them, mixed in one file: some decide, some contradict, some are ambiguous.
                string[] forms = ["1.500", "1,500", "1.234,56", "1,234.56", "1 234,56", "1'234.56", "12,5", "0,001", "1.000.000", "1,000,000.00", "2.500,00 €", "$1,200.00", "12.3456"];
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    var (r, c) = AnyCell();
                    if (IsAmountOrDate(rows[r][c]) && !rows[r][c].Contains('/') && !rows[r][c].Contains('-'))
                        rows[r][c] = forms[random.Next(forms.Length)];
                }
                return Encoding.UTF8.GetBytes(Write(rows, random.Next(2) == 0 ? "," : ";"));
            }
            default: // BlankIsh
            {
                string[] blank = [",,,", " ", "\"\"", "\uFEFF\n\n\n", "\n", " \t \n", ";;;\n;;;", "\"\",\"\",\"\"\n"];
                var header = Write(sample.Rows.Where(r => r.Count(c => c.Length > 0) > 3).Take(1));
                return Encoding.UTF8.GetBytes(random.Next(3) switch
                {
                    0 => blank[random.Next(blank.Length)],
                    1 => header, // the header alone: cut short
                    _ => header + string.Concat(Enumerable.Repeat(",,,,\n", random.Next(1, 5))),
                });
            }
        }
    }

    private static async Task<ImportSummary> ImportAsync(TestDatabase db, ExportImporter importer, int i, byte[] bytes, string shape)
    {
        var path = Path.Combine(db.Folder, $"hostile-{i}.csv");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            return await importer.ImportFileAsync(path, new ImportSettings());
        }
        catch (Exception e)
        {
            var kept = Path.Combine(Path.GetTempPath(), $"chasebot-hostile-{Seed}-{i}.csv");
            File.Copy(path, kept, overwrite: true);
            throw new Xunit.Sdk.XunitException($"seed {Seed}, {shape} #{i} (kept at {kept}) threw {e}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<HashSet<string>> KnownNamesAsync(TestDatabase db)
    {
        await using var ledger = db.Open();
        return [.. await ledger.Invoices.Select(i => i.Number).ToListAsync(), .. await ledger.Clients.Select(c => c.Name).ToListAsync()];
    }

    /// <summary>Every fact an export sets, but whether an invoice is flagged missing.</summary>
    private static async Task<string> SnapshotAsync(TestDatabase db)
    {
        await using var ledger = db.Open();
        var invoices = await ledger.Invoices.Include(i => i.Client).OrderBy(i => i.Source).ThenBy(i => i.Number).ToListAsync();
        return string.Join('\n', invoices.Select(i =>
            $"{i.Source}:{i.Number} {i.Client.Name} {i.IssueDate} {i.DueDate} {i.Currency} {i.Total} {i.AmountPaid} {i.AmountDue} {i.Status}"));
    }

    /// <summary>
    /// What no hostile file may leave: a run half-done, a stored client renamed, two clients or invoices that read the
    /// same, a name holding an invisible, bidi or control character or an unread byte, or an amount finer than its currency.
    /// Checked here by their own definitions, not with the importer's helpers.
    /// </summary>
    private static async Task AssertSoundAsync(TestDatabase db, List<string> clientsBefore, string what)
    {
        await using var ledger = db.Open();
        Assert.False(await ledger.ImportRuns.AnyAsync(r => r.Outcome == ImportOutcome.Running), $"{what}: an import left running");
        var clients = await ledger.Clients.Select(c => c.Name).ToListAsync();
        foreach (var name in clientsBefore)
            Assert.Contains(name, clients);
        var invoices = await ledger.Invoices.Select(i => new { i.Source, i.Number, i.Currency, i.Total, i.AmountPaid }).ToListAsync();
        foreach (var text in clients.Concat(invoices.Select(i => i.Number)))
        {
            Assert.True(text.IsNormalized(NormalizationForm.FormC), $"{what}: '{text}' is not NFC");
            foreach (var rune in text.EnumerateRunes())
                Assert.False(rune == Rune.ReplacementChar || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control,
                    $"{what}: '{text}' holds U+{rune.Value:X4}");
        }
        foreach (var number in invoices.Select(i => i.Number))
            Assert.False(number.EnumerateRunes().Any(r => Rune.IsDigit(r) && !(r.IsAscii && char.IsAsciiDigit((char)r.Value))),
                $"{what}: invoice number '{number}' holds a digit other than 0-9, a look-alike of another number");
        var folded = clients.GroupBy(Fold).Where(g => g.Count() > 1).Select(g => string.Join(" | ", g)).ToList();
        Assert.True(folded.Count == 0, $"{what}: clients that read the same: {string.Join("; ", folded)}");
        var twins = invoices.GroupBy(i => (i.Source, i.Number.ToUpperInvariant())).Where(g => g.Count() > 1).Select(g => g.Key.Item2).ToList();
        Assert.True(twins.Count == 0, $"{what}: invoice numbers that differ only in case: {string.Join(", ", twins)}");
        foreach (var invoice in invoices)
        {
            var decimals = invoice.Currency is "JPY" or "KRW" ? 0 : invoice.Currency is "KWD" or "BHD" or "OMR" ? 3 : 2;
            Assert.True(decimal.Round(invoice.Total, decimals) == invoice.Total && decimal.Round(invoice.AmountPaid, decimals) == invoice.AmountPaid,
                $"{what}: {invoice.Number} {invoice.Currency} {invoice.Total} paid {invoice.AmountPaid} is finer than its currency");
        }
    }

    /// <summary>A name as a reader sees it: case, spacing and one round of mistaken decoding (UTF-8 read as Windows-1252) undone.</summary>
    private static string Fold(string name)
    {
        var cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;
        try
        {
            var undone = new UTF8Encoding(false, true).GetString(cp1252.GetBytes(name));
            if (undone != name)
                name = undone;
        }
        catch (Exception e) when (e is EncoderFallbackException or DecoderFallbackException or ArgumentException)
        {
            // not a mistaken decoding
        }
        return string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
    }
}
