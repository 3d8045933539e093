using System.Globalization;
using System.Text;

// Writes a synthetic Xero invoice export: three line items per invoice, 1% of invoices partly paid,
// clients spread over rows/60. Seeded, so the same arguments always write the same bytes.
// Usage: dotnet run --project bench/ExportGenerator -- <rows> <output.csv> [seed]
if (args.Length < 2 || !int.TryParse(args[0], out var rows) || rows < 1)
{
    Console.Error.WriteLine("usage: ExportGenerator <rows> <output.csv> [seed]");
    return 2;
}
var seed = args.Length > 2 && int.TryParse(args[2], out var s) ? s : 42;
var random = new Random(seed);
var clients = Math.Max(1, rows / 60);
using var file = new StreamWriter(args[1], false, new UTF8Encoding(true), 1 << 16);
file.WriteLine("ContactName,EmailAddress,POAddressLine1,POCity,POCountry,InvoiceNumber,Reference,InvoiceDate,DueDate,Total,TaxTotal,InvoiceAmountPaid,InvoiceAmountDue,Description,Quantity,UnitAmount,LineAmount,AccountCode,TaxType,Currency,Type,Sent,Status");
for (var invoice = 0; invoice * 3 < rows; invoice++)
{
    var client = random.Next(clients);
    var issued = new DateOnly(2026, 1, 1).AddDays(random.Next(320));
    var lines = new[] { random.Next(50, 5000), random.Next(50, 2000), random.Next(10, 500) };
    var total = lines.Sum() * 1.15m;
    var paid = random.Next(100) == 0 ? Math.Round(total / 2, 2) : 0m;
    foreach (var line in lines.Take(Math.Min(3, rows - invoice * 3)))
    {
        file.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\"Client {client:D5} Ltd\",accounts{client}@example.com,PO Box {client},Auckland,New Zealand,INV-{invoice:D7},Ref {invoice}," +
            $"{issued:dd/MM/yyyy},{issued.AddDays(30):dd/MM/yyyy},{total:0.00},{total - lines.Sum():0.00},{paid:0.00},{total - paid:0.00}," +
            $"\"Work item, part {line}\",1,{line}.00,{line}.00,200,15% GST on Income,NZD,Sales invoice,Sent,Awaiting Payment"));
    }
}
return 0;
