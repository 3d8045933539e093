using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// What keeps the words to clients true: each invoice's payment link (from the export), the "as of" of the snapshot that
/// last set its facts, and a hold on an invoice a newer export turned from paid to unpaid; each import's "as of".
/// Existing invoices start with none of them: no link, no as-of (never judged stale), not held. And the messages that
/// reached clients (ClientContacts), which history sentences count; earlier drafts are not known to have been sent.
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
        migration.CreateTable(
            name: "ClientContacts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ClientId = table.Column<long>(nullable: false),
                Step = table.Column<string>(maxLength: 40, nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Way = table.Column<string>(maxLength: 20, nullable: false),
                DraftKey = table.Column<string>(maxLength: 300, nullable: false),
                PayBy = table.Column<DateOnly>(nullable: true),
                By = table.Column<string>(maxLength: 200, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ClientContacts", x => x.Id);
                table.ForeignKey("FK_ClientContacts_Clients_ClientId", x => x.ClientId, "Clients", "Id", onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_ClientContacts_DraftKey", "ClientContacts", "DraftKey", unique: true);
        migration.CreateIndex("IX_ClientContacts_ClientId", "ClientContacts", "ClientId");
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropTable("ClientContacts");
        migration.DropColumn(name: "PaymentLink", table: "Invoices");
        migration.DropColumn(name: "FactsAsOf", table: "Invoices");
        migration.DropColumn(name: "ReopenedAt", table: "Invoices");
        migration.DropColumn(name: "AsOf", table: "ImportRuns");
    }
}
