using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Storage;

/// <summary>BulkInsert must write exactly what EF's SaveChanges would: every column, converted the same way.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class BulkInsertTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static Client Client(string name) => new()
    {
        Name = name, NormalizedName = Core.Ledger.Client.Normalize(name), BillingEmail = "ap@example.com",
        OwnerUserId = "U0OWNER", Channel = "C0CHASE", CcAddresses = "boss@example.com", IsPaused = true,
        PausedUntil = new DateOnly(2026, 12, 24), CreatedAt = new DateTime(2026, 11, 21, 9, 30, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2026, 11, 21, 9, 31, 0, DateTimeKind.Utc),
        Clauses = new ContractClauses { PermitsServiceChanges = true, OwnedUntilPaid = false, LateFeeTerms = "2% a month after 30 days" },
    };

    [Fact]
    public async Task A_client_with_contract_clauses_reads_back_the_same_as_one_saved_by_EF()
    {
        await using (var db = _db.Open())
        {
            db.Clients.Add(Client("Saved By EF Ltd"));
            await db.SaveChangesAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAsync(db, [Client("Bulk Inserted Ltd"), Client("Another Bulk Ltd")], CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = _db.Open();
        var clients = await read.Clients.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(3, clients.Count);
        string Shape(Client c) => System.Text.Json.JsonSerializer.Serialize(new
        {
            c.BillingEmail, c.OwnerUserId, c.Channel, c.CcAddresses, c.IsPaused, c.PausedUntil, c.CreatedAt, c.UpdatedAt,
            c.Clauses.PermitsServiceChanges, c.Clauses.OwnedUntilPaid, c.Clauses.LateFeeTerms,
        });
        Assert.Equal(Shape(clients[0]), Shape(clients[1]));
        Assert.Equal(Shape(clients[0]), Shape(clients[2]));
        Assert.Equal(["SAVED BY EF LTD", "BULK INSERTED LTD", "ANOTHER BULK LTD"], clients.Select(c => c.NormalizedName));
        Assert.True(clients[1].Clauses.PermitsServiceChanges);
        Assert.Equal("2% a month after 30 days", clients[2].Clauses.LateFeeTerms);
    }

    /// <summary>Every column of the rows (the key left out) as the database stores it: SQLite's quote(), PostgreSQL's text form.</summary>
    private async Task<List<string>> StoredAsync(string table, IEnumerable<long> ids)
    {
        await using var db = _db.Open();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var columns = new List<string>();
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = $"SELECT * FROM \"{table}\" WHERE 1 = 0";
            await using var reader = await describe.ExecuteReaderAsync();
            for (var i = 0; i < reader.FieldCount; i++)
                if (reader.GetName(i) != "Id")
                    columns.Add(reader.GetName(i));
        }
        var rows = new List<string>();
        foreach (var id in ids)
        {
            await using var read = connection.CreateCommand();
            var shown = columns.Select(c => TestDatabase.OnPostgres ? $"coalesce(\"{c}\"::text, 'NULL')" : $"typeof(\"{c}\") || ':' || quote(\"{c}\")");
            read.CommandText = $"SELECT {string.Join(" || ' | ' || ", shown)} FROM \"{table}\" WHERE \"Id\" = {id}";
            rows.Add((string)(await read.ExecuteScalarAsync())!);
        }
        return rows;
    }

    [Fact]
    public async Task Invoices_audit_entries_and_steps_are_stored_exactly_as_EF_stores_them()
    {
        // Values chosen to hit the forms that could differ: whole and fractional amounts, a zero, nulls, fractions of
        // a second and none, an enum stored by name and one stored by number.
        var at = new DateTime(2026, 11, 28, 9, 30, 15, DateTimeKind.Utc).AddTicks(1234567);
        var onTheSecond = new DateTime(2026, 11, 28, 9, 30, 0, DateTimeKind.Utc);
        long clientId;
        await using (var db = _db.Open())
        {
            var client = Client("Owner Of Invoices Ltd");
            db.Clients.Add(client);
            await db.SaveChangesAsync();
            clientId = client.Id;
        }
        Invoice Invoice(string number) => new()
        {
            Source = "xero", Number = number, ClientId = clientId, IssueDate = null, DueDate = new DateOnly(2026, 10, 31), Currency = "NZD",
            Total = 4600m, AmountPaid = 1234.5m, AmountDue = 0.05m, Status = InvoiceStatus.PartiallyPaid, MissingSince = at,
            SnoozedUntil = new DateOnly(2026, 12, 1), LastImportRunId = null, CreatedAt = onTheSecond, UpdatedAt = at,
        };
        AuditEntry Audit() => new() { At = at, Actor = "import run 1 (a.csv, cli)", Action = "invoice.created", Subject = "INV-1", Details = null };

        var (efInvoice, efAudit) = (Invoice("INV-EF"), Audit());
        await using (var db = _db.Open())
        {
            db.Invoices.Add(efInvoice);
            db.AuditEntries.Add(efAudit);
            await db.SaveChangesAsync();
            db.ChaseSteps.Add(new Core.Chasing.ChaseStepRecord
            {
                InvoiceId = efInvoice.Id, Step = "reminder-1", Outcome = Core.Chasing.StepOutcome.Skipped, Reason = "caught up", Day = new DateOnly(2026, 11, 28), At = at,
            });
            await db.SaveChangesAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAsync(db, [Invoice("INV-BULK")], CancellationToken.None);
            await BulkInsert.InsertAsync(db, [Audit()], CancellationToken.None);
            await BulkInsert.InsertAsync(db, [new Core.Chasing.ChaseStepRecord
            {
                InvoiceId = efInvoice.Id, Step = "reminder-2", Outcome = Core.Chasing.StepOutcome.Skipped, Reason = "caught up", Day = new DateOnly(2026, 11, 28), At = at,
            }], CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = _db.Open();
        var invoiceIds = await read.Invoices.OrderBy(i => i.Number == "INV-BULK").Select(i => i.Id).ToListAsync();
        var invoices = await StoredAsync("Invoices", invoiceIds);
        Assert.Equal(invoices[0].Replace("INV-EF", "INV-BULK"), invoices[1]);
        var audits = await StoredAsync("AuditEntries", await read.AuditEntries.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync());
        Assert.Equal(audits[0], audits[1]);
        var steps = await StoredAsync("ChaseSteps", await read.ChaseSteps.OrderBy(s => s.Step).Select(s => s.Id).ToListAsync());
        Assert.Equal(steps[0].Replace("reminder-1", "reminder-2"), steps[1]);
        var clients = await StoredAsync("Clients", await read.Clients.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
        Assert.Single(clients);
    }

    [Fact]
    public async Task A_row_a_unique_key_already_holds_is_refused_as_a_unique_violation()
    {
        await using var db = _db.Open();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await BulkInsert.InsertAsync(db, [Client("Twice Ltd")], CancellationToken.None);
        var refused = await Record.ExceptionAsync(() => BulkInsert.InsertAsync(db, [Client("Twice Ltd")], CancellationToken.None));
        Assert.NotNull(refused);
        Assert.True(UniqueViolation.Is(refused), refused.ToString());
    }
}
