using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// What keeps the words to clients true: each invoice's payment link (from the export), the "as of" of the snapshot that
/// last set its facts, and a hold on an invoice a newer export turned from paid to unpaid; each import's "as of".
/// Existing invoices start with none of them: no link, no as-of (never judged stale), not held.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261206000009_ClientCommitments")]
public sealed class M0009_ClientCommitments : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.AddColumn<string>(name: "PaymentLink", table: "Invoices", maxLength: 2000, nullable: true);
        migration.AddColumn<DateTime>(name: "FactsAsOf", table: "Invoices", nullable: true);
        migration.AddColumn<DateTime>(name: "ReopenedAt", table: "Invoices", nullable: true);
        migration.AddColumn<DateTime>(name: "AsOf", table: "ImportRuns", nullable: true);
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropColumn(name: "PaymentLink", table: "Invoices");
        migration.DropColumn(name: "FactsAsOf", table: "Invoices");
        migration.DropColumn(name: "ReopenedAt", table: "Invoices");
        migration.DropColumn(name: "AsOf", table: "ImportRuns");
    }
}
