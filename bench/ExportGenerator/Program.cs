using System.Globalization;
using System.Text;

// Writes a synthetic accounting export, seeded, so the same arguments always write the same bytes.
//   xero:       Xero's invoice export, three line items per invoice, 1% of invoices partly paid.
//   quickbooks: QuickBooks Online's "Invoice List" report: a title preamble, one row per invoice, a TOTAL row.
// Clients are spread over rows/60. --changed <percent> pays that share of invoices in full: the same file as
// without it, but for those invoices (for re-import benchmarks).
// Usage: dotnet run --project bench/ExportGenerator -- <rows> <output.csv> [seed] [--format xero|quickbooks] [--changed <percent>]
var positional = new List<string>();
string format = "xero";
var changedPercent = 0;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--format" && i + 1 < args.Length) format = args[++i];
    else if (args[i] == "--changed" && i + 1 < args.Length && int.TryParse(args[++i], out var c)) changedPercent = c;
    else positional.Add(args[i]);
}
if (positional.Count < 2 || !int.TryParse(positional[0], out var rows) || rows < 1 || format is not ("xero" or "quickbooks"))
{
    Console.Error.WriteLine("usage: ExportGenerator <rows> <output.csv> [seed] [--format xero|quickbooks] [--changed <percent>]");
    return 2;
}
var seed = positional.Count > 2 && int.TryParse(positional[2], out var s) ? s : 42;
var random = new Random(seed);
var changes = new Random(seed + 1); // a separate stream, so --changed leaves every other value as it was
var clients = Math.Max(1, rows / 60);
using var file = new StreamWriter(positional[1], false, new UTF8Encoding(true), 1 << 16);
var inv = CultureInfo.InvariantCulture;

if (format == "xero")
{
    file.WriteLine("ContactName,EmailAddress,POAddressLine1,POCity,POCountry,InvoiceNumber,Reference,InvoiceDate,DueDate,Total,TaxTotal,InvoiceAmountPaid,InvoiceAmountDue,Description,Quantity,UnitAmount,LineAmount,AccountCode,TaxType,Currency,Type,Sent,Status");
    for (var invoice = 0; invoice * 3 < rows; invoice++)
    {
        var client = random.Next(clients);
        var issued = new DateOnly(2026, 1, 1).AddDays(random.Next(320));
        var lines = new[] { random.Next(50, 5000), random.Next(50, 2000), random.Next(10, 500) };
        var total = lines.Sum() * 1.15m;
        var paid = random.Next(100) == 0 ? Math.Round(total / 2, 2) : 0m;
        if (changes.Next(100) < changedPercent)
            paid = total;
        var status = paid == total ? "Paid" : "Awaiting Payment";
        foreach (var line in lines.Take(Math.Min(3, rows - invoice * 3)))
            file.WriteLine(string.Create(inv,
                $"\"Client {client:D5} Ltd\",accounts{client}@example.com,PO Box {client},Auckland,New Zealand,INV-{invoice:D7},Ref {invoice}," +
                $"{issued:dd/MM/yyyy},{issued.AddDays(30):dd/MM/yyyy},{total:0.00},{total - lines.Sum():0.00},{paid:0.00},{total - paid:0.00}," +
                $"\"Work item, part {line}\",1,{line}.00,{line}.00,200,15% GST on Income,NZD,Sales invoice,Sent,{status}"));
    }
}
else
{
    // QuickBooks Online > Reports > Invoice List, exported to CSV: title lines, a blank line, a leading empty column.
    file.WriteLine("Invoice List");
    file.WriteLine("Bench Agency Ltd");
    file.WriteLine("All Dates");
    file.WriteLine();
    file.WriteLine(",Date,Transaction type,Num,Name,Memo/Description,Due date,Amount,Open balance");
    decimal sum = 0;
    for (var invoice = 0; invoice < rows; invoice++)
    {
        var client = random.Next(clients);
        var issued = new DateOnly(2026, 1, 1).AddDays(random.Next(320));
        var amount = random.Next(100, 9000) + random.Next(100) / 100m;
        var open = random.Next(100) == 0 ? Math.Round(amount / 2, 2) : amount;
        if (changes.Next(100) < changedPercent)
            open = 0;
        sum += open;
        file.WriteLine(string.Create(inv,
            $",{issued:MM/dd/yyyy},Invoice,{10000 + invoice},\"Client {client:D5}, Inc.\",Services {invoice},{issued.AddDays(30):MM/dd/yyyy},\"{amount:#,##0.00}\",\"{open:#,##0.00}\""));
    }
    file.WriteLine(string.Create(inv, $"TOTAL,,,,,,,,\"{sum:#,##0.00}\""));
    file.WriteLine();
    file.WriteLine(string.Create(inv, $"\"Saturday, November 21, 2026 09:00 AM GMT+00:00\""));
}
return 0;
