using System.Buffers.Binary;
using System.IO.Hashing;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Exports;

/// <summary>
/// What lets a re-import pass over an invoice without reading its rows again: a 64-bit hash of the rows it was last
/// imported from (their bytes as the file has them, the dates they were read as, and everything else a row's reading
/// depends on), combined with the ledger values that import left it with. Stored with the invoice
/// (<see cref="Invoice.ImportFingerprint"/>).
/// <para>
/// A later file whose rows for the invoice hash the same, while the ledger still holds the same values, would be read
/// into exactly the facts the ledger holds, so it is "unchanged" without being read: most of a daily re-import, where
/// 1% of invoices moved. Anything else (a byte changed, a payment logged in chat since, the client renamed, another
/// build of ChaseBot) gives another fingerprint, and the rows are read as they always were.
/// </para>
/// </summary>
public static class ImportFingerprint
{
    /// <summary>
    /// This build of ChaseBot: a change to how rows are read (a parsing fix, a new status spelling) must not leave an
    /// invoice passed over on the strength of what an older build read. The first import after an upgrade reads every row.
    /// </summary>
    private static readonly Guid Build = typeof(ImportFingerprint).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>
    /// Everything outside a row that decides what the row reads as: the build, the format and which column holds which
    /// field, and the settings a row's reading uses.
    /// </summary>
    public static ulong FileContext(ExportHeader header, ImportSettings settings)
    {
        var hash = new XxHash3();
        Span<byte> guid = stackalloc byte[16];
        Build.TryWriteBytes(guid);
        hash.Append(guid);
        AppendText(hash, header.Format.Name);
        AppendText(hash, header.Layout);
        AppendText(hash, settings.DefaultCurrency);
        AppendInt(hash, settings.PaymentTermDays ?? -1);
        AppendInt(hash, (int)settings.DateOrder);
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>The rows of one invoice, hashed as they are read. One per reader, begun again for each invoice.</summary>
    public sealed class Rows
    {
        private readonly XxHash3 _hash = new();

        /// <summary>Starts an invoice's rows: the file's context and the group label its rows belong to.</summary>
        public void Begin(ulong fileContext, string? groupLabel)
        {
            _hash.Reset();
            Span<byte> context = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(context, fileContext);
            _hash.Append(context);
            AppendText(_hash, groupLabel ?? "\0");
        }

        /// <summary>One row: its bytes and the dates its date cells read as (the file's date order may differ between files).</summary>
        public void Add(ReadOnlySpan<byte> record, DateOnly? issued, DateOnly? due)
        {
            Span<byte> facts = stackalloc byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(facts, record.Length);
            BinaryPrimitives.WriteInt32LittleEndian(facts[4..], issued?.DayNumber ?? -1);
            BinaryPrimitives.WriteInt32LittleEndian(facts[8..], due?.DayNumber ?? -1);
            _hash.Append(facts);
            _hash.Append(record);
        }

        public ulong Value => _hash.GetCurrentHashAsUInt64();
    }

    /// <summary>
    /// The ledger values an import compares (and the client facts it would act on: the client's name as it matches,
    /// whether it has a billing email the export could fill in).
    /// </summary>
    public static ulong Values(long clientId, string clientKey, bool clientHasEmail, DateOnly? issued, DateOnly due, string currency,
        decimal total, decimal paid, decimal amountDue, InvoiceStatus status)
    {
        // Laid out in one buffer and hashed once: computed for every invoice in the ledger index before a re-import reads a row.
        var size = 8 + 4 + 2 * clientKey.Length + 1 + 4 + 4 + 4 + 2 * currency.Length + 3 * 18 + 4;
        Span<byte> buffer = size <= 1024 ? stackalloc byte[size] : new byte[size];
        var at = 0;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], clientId); at += 8;
        at = Text(buffer, at, clientKey);
        buffer[at++] = clientHasEmail ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], issued?.DayNumber ?? -1); at += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], due.DayNumber); at += 4;
        at = Text(buffer, at, currency);
        at = Amount(buffer, at, total);
        at = Amount(buffer, at, paid);
        at = Amount(buffer, at, amountDue);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], (int)status); at += 4;
        return XxHash3.HashToUInt64(buffer[..at]);

        static int Text(Span<byte> buffer, int at, string text)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], text.Length);
            at += 4;
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan()).CopyTo(buffer[at..]);
            return at + 2 * text.Length;
        }
    }

    /// <summary>
    /// An amount by value, whatever its scale: the ledger gives back 100.0000 for the 100 a file said (EF writes SQLite's
    /// text as 100.0, PostgreSQL's numeric(19,4) pads it), and the two must hash alike. The 96-bit digits with the trailing
    /// zeros taken off, the scale, the sign: 18 bytes.
    /// </summary>
    private static int Amount(Span<byte> buffer, int at, decimal amount)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(amount, bits);
        var digits = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        while (scale > 0 && digits % 10 == 0)
        {
            digits /= 10;
            scale--;
        }
        BinaryPrimitives.WriteUInt128LittleEndian(buffer[at..], digits);
        buffer[at + 16] = scale;
        buffer[at + 17] = digits == 0 ? (byte)0 : (byte)((bits[3] >> 31) & 1); // -0 is 0
        return at + 18;
    }

    /// <summary>The fingerprint stored with an invoice: its rows and the values they left it with.</summary>
    public static long Of(ulong rows, ulong values)
    {
        Span<byte> both = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(both, rows);
        BinaryPrimitives.WriteUInt64LittleEndian(both[8..], values);
        return (long)XxHash3.HashToUInt64(both);
    }

    private static void AppendText(XxHash3 hash, string text)
    {
        AppendInt(hash, text.Length);
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan()));
    }

    private static void AppendInt(XxHash3 hash, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.Append(bytes);
    }
}
