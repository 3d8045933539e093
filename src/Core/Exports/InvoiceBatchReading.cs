using System.Threading.Channels;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Exports;

/// <summary>
/// A batch of invoices read from the file, with the rows rejected while reading it, and the invoices whose rows were
/// passed over unread because their fingerprints vouch that nothing changed (<see cref="ImportFingerprint"/>).
/// </summary>
internal sealed record ReadBatch(List<InvoiceFacts> Invoices, List<RejectedRow> Rejected, List<string> Unchanged);

/// <summary>
/// The reading half of an import: the file's rows to invoices, merged and handed over a batch at a time, while the
/// ledger writer works on the batch before (two cores: reading and writing each took about half an import). At most
/// <see cref="InFlight"/> batches wait, so memory stays flat. It also keeps what only the rows can tell: how many there
/// were, which were not invoices, the report's own total, and the amount due per currency.
/// <para>
/// With a <paramref name="fileContext"/> (a file whose rows can be fingerprinted), each invoice's consecutive rows are
/// hashed as they go by. Rows of an invoice the ledger holds a fingerprint for are held back as bytes until the
/// invoice's last row: when the fingerprint vouches for them they are passed over unread (a re-import's unchanged
/// invoices, most of it), otherwise they are read as any row is.
/// </para>
/// </summary>
internal sealed class InvoiceBatchReading(ExportReader reader, ExportHeader header, InvoiceRowReader rows, InvoiceBatch batch, long runId,
    int batchSize, int rejectedKept, LedgerIndex index, ulong? fileContext)
{
    public const int InFlight = 2;

    public int RowCount { get; private set; }
    public int RejectedCount { get; private set; }
    /// <summary>Invoices passed over unread, their fingerprints vouching for them.</summary>
    public int PassedOver { get; private set; }
    public List<RejectedRow> KeptRejections { get; } = [];

    /// <summary>Invoices a rejected row was for: listed in the file, so never flagged missing from it.</summary>
    public HashSet<string> RejectedNumbers { get; } = new(InvoiceNumbers.Comparer);
    public Dictionary<string, int> NotInvoices { get; } = new(StringComparer.OrdinalIgnoreCase);
    public decimal NotInvoiceBalance { get; private set; }
    public RowReading.ReportTotal? ReportTotal { get; private set; }
    public Dictionary<string, decimal> DueByCurrency { get; } = [];

    public static Channel<ReadBatch> NewChannel() =>
        Channel.CreateBounded<ReadBatch>(new BoundedChannelOptions(InFlight) { SingleReader = true, SingleWriter = true });

    private List<RejectedRow> _rejected = [];
    private List<string> _unchanged = [];

    /// <summary>The invoice whose rows are being read, hashed for the fingerprint it will be stored with.</summary>
    private string? _reading;
    private readonly ImportFingerprint.Rows _readingRows = new();

    /// <summary>The invoice whose rows are held back while its fingerprint is checked: their bytes, one after another, in <see cref="_heldBytes"/>.</summary>
    private PassingOver? _holding;
    private readonly ImportFingerprint.Rows _holdingRows = new();
    private readonly List<(int Length, int Line, string? Status)> _held = [];

    /// <summary>
    /// Rows (and bytes) of one invoice held back at most: memory stays flat even for an invoice of a million rows, or of
    /// a thousand 1 MB rows. Past either, the rows held are resolved (read: an invoice met again is never passed over)
    /// and holding starts again.
    /// </summary>
    private const int HeldAtMost = 1000, HeldBytesAtMost = 1 << 20;
    private byte[] _heldBytes = new byte[4096];
    private int _heldLength;

    /// <summary>Reads every row into <paramref name="output"/>, which it completes even when reading fails (the failure is this task's).</summary>
    public async Task ReadAsync(ChannelWriter<ReadBatch> output, CancellationToken cancellationToken)
    {
        try
        {
            while (reader.Next())
            {
                if (fileContext is { } context && rows.TryPassOver(reader, index) is { } passing)
                {
                    if (_holding?.Number != passing.Number || _held.Count >= HeldAtMost || _heldLength >= HeldBytesAtMost)
                    {
                        await ResolveHeldAsync(output, cancellationToken);
                        FinishReading();
                        _holding = passing;
                        _holdingRows.Begin(context, rows.GroupLabel);
                    }
                    var record = reader.Raw;
                    _holdingRows.Add(record, passing.Issued, passing.Due);
                    Hold(record, reader.Line, passing.StatusText);
                    continue;
                }
                await ResolveHeldAsync(output, cancellationToken);
                var row = reader.Row();
                await ReadRowAsync(row, Read(row, reader.Raw), output, cancellationToken);
            }
            await ResolveHeldAsync(output, cancellationToken);
            FinishReading();
            await HandOverAsync(output, cancellationToken);
        }
        finally
        {
            output.TryComplete();
        }
    }

    /// <summary>
    /// A batch is handed over at <c>batchSize</c> invoices read, or ten times as many passed over: those cost the writer a
    /// lookup each, while each batch costs it a few queries (a re-import's 1% changed came 5 to a batch of 500, and the
    /// writer's queries per batch were most of its time).
    /// </summary>
    private bool Full => batch.Count >= batchSize || _unchanged.Count >= 10 * batchSize;

    private void Hold(ReadOnlySpan<byte> record, int line, string? status)
    {
        if (_heldLength + record.Length > _heldBytes.Length)
            Array.Resize(ref _heldBytes, Math.Max(_heldBytes.Length * 2, _heldLength + record.Length));
        record.CopyTo(_heldBytes.AsSpan(_heldLength));
        _heldLength += record.Length;
        _held.Add((record.Length, line, status));
    }

    /// <summary>The rows held back for one invoice: passed over when its fingerprint vouches for them, else read.</summary>
    private async Task ResolveHeldAsync(ChannelWriter<ReadBatch> output, CancellationToken cancellationToken)
    {
        if (_holding is not { } holding)
            return;
        _holding = null;
        try
        {
            // An invoice met before in this file (its rows are not together) is read: that is where it is compared with its first rows.
            var entry = holding.Entry;
            if (!entry.Met && entry.Vouches(_holdingRows.Value))
            {
                if (Full)
                    await HandOverAsync(output, cancellationToken);
                foreach (var (_, line, status) in _held)
                    rows.ReadStatus(line, status); // warned about as if read
                RowCount += _held.Count;
                PassedOver++;
                entry.Met = true;
                _unchanged.Add(holding.Number);
                DueByCurrency[entry.Currency] = DueByCurrency.GetValueOrDefault(entry.Currency) + entry.Due;
                return;
            }
            var start = 0;
            foreach (var (length, line, _) in _held)
            {
                var record = _heldBytes.AsSpan(start, length).ToArray();
                start += length;
                var row = ExportReader.Reread(record, line);
                await ReadRowAsync(row, Read(row, record), output, cancellationToken);
            }
        }
        finally
        {
            _held.Clear();
            _heldLength = 0;
        }
    }

    /// <summary>One row read: counted, rejected, or merged into its invoice (handing the batch over between invoices).</summary>
    private async Task ReadRowAsync(ExportRow row, RowReading reading, ChannelWriter<ReadBatch> output, CancellationToken cancellationToken)
    {
        switch (reading)
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
                if (rejection.Number is { } number && RejectedNumbers.Count < 100_000)
                    RejectedNumbers.Add(number);
                break;
            case RowReading.Invoice invoice:
                RowCount++;
                // Hand over between invoices, never inside one, so an invoice's rows meet in the same batch.
                if (Full && !batch.Contains(invoice.Line.Number))
                    await HandOverAsync(output, cancellationToken);
                if (batch.Add(invoice.Line) is { } conflict)
                {
                    Reject(invoice.Line.Line, conflict);
                    _readingSpoilt = true; // a row of it rejected: no fingerprint vouches for it
                }
                break;
        }
    }

    /// <summary>
    /// Reads a row, and adds it to the fingerprint of its invoice's rows (closing the previous invoice's when this row is
    /// not one of its rows). Done before any hand-over, so the fingerprint goes with its invoice.
    /// </summary>
    private RowReading Read(ExportRow row, ReadOnlySpan<byte> record)
    {
        var reading = rows.Read(row);
        if (fileContext is not { } context)
            return reading;
        if (reading is not RowReading.Invoice { Line: var line })
        {
            FinishReading();
            return reading;
        }
        if (_reading != line.Number)
        {
            FinishReading();
            _reading = line.Number;
            _readingRows.Begin(context, rows.GroupLabel);
            // Met before in this file, its rows not together: in this batch (its rows merge, and the fingerprint would be
            // the last rows' alone), or passed over or read before. It gets no fingerprint from these rows.
            _readingSpoilt = batch.Contains(line.Number);
            if (index.TryGet(line.Number, out var indexed))
            {
                _readingSpoilt |= indexed.Met;
                indexed.Met = true;
            }
        }
        var dueCell = header.Get(row.Cells, ExportField.DueDate) is not null;
        _readingRows.Add(record, line.IssueDate, dueCell ? line.DueDate : null);
        return reading;
    }

    private bool _readingSpoilt;

    /// <summary>The invoice being read has no more rows: its fingerprint goes with it, unless something spoilt it.</summary>
    private void FinishReading()
    {
        if (_reading is not { } number)
            return;
        _reading = null;
        batch.Fingerprint(number, _readingSpoilt ? null : _readingRows.Value);
    }

    private void Reject(int line, string reason)
    {
        var row = new RejectedRow { ImportRunId = runId, Line = line, Reason = reason };
        _rejected.Add(row);
        if (KeptRejections.Count < rejectedKept)
            KeptRejections.Add(row);
        RejectedCount++;
    }

    private async Task HandOverAsync(ChannelWriter<ReadBatch> output, CancellationToken cancellationToken)
    {
        var invoices = batch.TakeAll();
        foreach (var invoice in invoices)
            DueByCurrency[invoice.Currency] = DueByCurrency.GetValueOrDefault(invoice.Currency) + invoice.Due;
        await output.WriteAsync(new ReadBatch(invoices, _rejected, _unchanged), cancellationToken);
        (_rejected, _unchanged) = ([], []);
    }
}
