using System.Threading.Channels;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Exports;

/// <summary>A batch of invoices read from the file, with the rows rejected while reading it.</summary>
internal sealed record ReadBatch(List<InvoiceFacts> Invoices, List<RejectedRow> Rejected);

/// <summary>
/// The reading half of an import: the file's rows to invoices, merged and handed over a batch at a time, while the
/// ledger writer works on the batch before (two cores: reading and writing each took about half an import). At most
/// <see cref="InFlight"/> batches wait, so memory stays flat. It also keeps what only the rows can tell: how many there
/// were, which were not invoices, the report's own total, and the amount due per currency.
/// </summary>
internal sealed class InvoiceBatchReading(ExportReader reader, ExportHeader header, InvoiceRowReader rows, InvoiceBatch batch, long runId,
    int batchSize, int rejectedKept)
{
    public const int InFlight = 2;

    public int RowCount { get; private set; }
    public int RejectedCount { get; private set; }
    public List<RejectedRow> KeptRejections { get; } = [];
    public Dictionary<string, int> NotInvoices { get; } = new(StringComparer.OrdinalIgnoreCase);
    public decimal NotInvoiceBalance { get; private set; }
    public RowReading.ReportTotal? ReportTotal { get; private set; }
    public Dictionary<string, decimal> DueByCurrency { get; } = [];

    public static Channel<ReadBatch> NewChannel() =>
        Channel.CreateBounded<ReadBatch>(new BoundedChannelOptions(InFlight) { SingleReader = true, SingleWriter = true });

    /// <summary>Reads every row into <paramref name="output"/>, which it completes even when reading fails (the failure is this task's).</summary>
    public async Task ReadAsync(ChannelWriter<ReadBatch> output, CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedRow>();
        try
        {
            async Task HandOverAsync()
            {
                var invoices = batch.TakeAll();
                foreach (var invoice in invoices)
                    DueByCurrency[invoice.Currency] = DueByCurrency.GetValueOrDefault(invoice.Currency) + invoice.Due;
                await output.WriteAsync(new ReadBatch(invoices, rejected), cancellationToken);
                rejected = [];
            }

            void Reject(int line, string reason)
            {
                var row = new RejectedRow { ImportRunId = runId, Line = line, Reason = reason };
                rejected.Add(row);
                if (KeptRejections.Count < rejectedKept)
                    KeptRejections.Add(row);
                RejectedCount++;
            }

            foreach (var row in reader.Rows())
            {
                switch (rows.Read(row))
                {
                    case RowReading.Decoration:
                        break;
                    case RowReading.ReportTotal total:
                        ReportTotal = total;
                        break;
                    case RowReading.NotAnInvoice skipped:
                        RowCount++;
                        NotInvoices[skipped.Type] = NotInvoices.GetValueOrDefault(skipped.Type) + 1;
                        if (Money.TryParse(header.Get(row.Cells, ExportField.Balance), out var credit, out _))
                            NotInvoiceBalance += credit;
                        break;
                    case RowReading.Rejected rejection:
                        RowCount++;
                        Reject(rejection.Line, rejection.Reason);
                        break;
                    case RowReading.Invoice invoice:
                        RowCount++;
                        // Hand over between invoices, never inside one, so an invoice's rows meet in the same batch.
                        if (batch.Count >= batchSize && !batch.Contains(invoice.Line.Number))
                            await HandOverAsync();
                        if (batch.Add(invoice.Line) is { } conflict)
                            Reject(invoice.Line.Line, conflict);
                        break;
                }
            }
            await HandOverAsync();
        }
        finally
        {
            output.TryComplete();
        }
    }
}
