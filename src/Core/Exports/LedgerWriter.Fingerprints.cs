using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChaseBot.Core.Exports;

/// <summary>The fingerprints that let a re-import pass over an invoice whose rows have not changed.</summary>
internal sealed partial class LedgerWriter
{
    /// <summary>
    /// The fingerprint of an invoice the ledger now holds exactly as <paramref name="facts"/> state it, for its client as it
    /// now is; null when the file gives no fingerprint for its rows.
    /// </summary>
    private static long? Vouched(InvoiceFacts facts, Client client) => facts.Rows is { } rows
        ? ImportFingerprint.Of(rows, ImportFingerprint.Values(client.Id, client.NormalizedName, client.BillingEmail is not null,
            facts.IssueDate, facts.DueDate, facts.Currency, facts.Total, facts.Paid, facts.Due, facts.Status))
        : null;

    /// <summary>Fingerprints of invoices that did not otherwise change, to write with the batch.</summary>
    private readonly List<(long Id, long? Fingerprint)> _fingerprints = [];

    private void Fingerprint(long id, long? stored, long? now)
    {
        if (stored != now)
            _fingerprints.Add((id, now));
    }

    /// <summary>
    /// Writes the fingerprints of unchanged invoices, with one prepared statement: on the first import after an upgrade that
    /// is every invoice (once), after that only those whose fingerprints were spoilt.
    /// </summary>
    private async Task SaveFingerprintsAsync(CancellationToken cancellationToken)
    {
        if (_fingerprints.Count == 0)
            return;
        var sql = db.GetService<ISqlGenerationHelper>();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"UPDATE {sql.DelimitIdentifier("Invoices")} SET {sql.DelimitIdentifier(nameof(Invoice.ImportFingerprint))} = @fingerprint " +
                              $"WHERE {sql.DelimitIdentifier(nameof(Invoice.Id))} = @id";
        var fingerprint = command.CreateParameter();
        fingerprint.ParameterName = "@fingerprint";
        fingerprint.DbType = System.Data.DbType.Int64;
        var id = command.CreateParameter();
        id.ParameterName = "@id";
        id.DbType = System.Data.DbType.Int64;
        command.Parameters.Add(fingerprint);
        command.Parameters.Add(id);
        foreach (var (invoice, value) in _fingerprints)
        {
            (fingerprint.Value, id.Value) = (value is { } v ? v : DBNull.Value, invoice);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        _fingerprints.Clear();
    }
}
