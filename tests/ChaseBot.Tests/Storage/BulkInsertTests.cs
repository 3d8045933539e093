using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Storage;

/// <summary>BulkInsert must write exactly what EF's SaveChanges would: every column, converted the same way.</summary>
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
}
