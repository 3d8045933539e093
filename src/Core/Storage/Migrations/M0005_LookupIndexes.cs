using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// Indexes for lookups the chat commands make on every request: an invoice by its number alone (the unique index
/// leads with the source, so "paid INV-0101" scanned every invoice), and the dead letters status warns about.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261121000005_LookupIndexes")]
public sealed class M0005_LookupIndexes : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateIndex("IX_Invoices_Number", "Invoices", "Number");
        migration.CreateIndex("IX_Outbox_DeadLetteredAt", "Outbox", "DeadLetteredAt");
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropIndex("IX_Outbox_DeadLetteredAt", "Outbox");
        migration.DropIndex("IX_Invoices_Number", "Invoices");
    }
}
