using System.Globalization;
using System.Text;

namespace ChaseBot.Tests.Support;

/// <summary>
/// A synthetic Xero export: three line items per invoice, 200 clients (or <c>clients</c>), seeded so every run is the same;
/// with <c>emails</c>, each client has a billing address (accounts@client-N.example).
/// </summary>
public static class XeroExportGenerator
{
    public static void Write(string path, int rows, int seed = 42, int clients = 200, bool emails = false)
    {
        var random = new Random(seed);
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        file.WriteLine(Exports.ExportQuirkTests.XeroHeader);
        for (var row = 0; row < rows; row++)
        {
            var invoice = row / 3;
            var issued = new DateOnly(2026, 1, 1).AddDays(invoice % 300);
            var total = 100 + (invoice * 37 % 5000);
            var paid = random.Next(4) == 0 ? total / 2 : 0;
            file.Write(string.Create(CultureInfo.InvariantCulture,
                $"Client {invoice % clients},{(emails ? $"accounts@client-{invoice % clients}.example" : "")},INV-{invoice:D7},{issued:dd/MM/yyyy},{issued.AddDays(30):dd/MM/yyyy},{total}.00,{paid}.00,{total - paid}.00,NZD,Sales invoice,Awaiting Payment\n"));
        }
    }
}
