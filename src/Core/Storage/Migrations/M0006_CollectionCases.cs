using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// Collection cases: the harsh rungs are decided once per client and currency, not per invoice. Proposals made before
/// cases existed, on invoices still owed, are adopted into a case per client and currency, so a client who already had
/// a final notice is not sent a first late notice again.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261128000006_CollectionCases")]
public sealed class M0006_CollectionCases : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "Cases",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ClientId = table.Column<long>(nullable: false),
                Currency = table.Column<string>(maxLength: 3, nullable: false),
                OpenedOn = table.Column<DateOnly>(nullable: false),
                OpenedAt = table.Column<DateTime>(nullable: false),
                ClosedOn = table.Column<DateOnly>(nullable: true),
                ClosedAt = table.Column<DateTime>(nullable: true),
                ClosedReason = table.Column<string>(maxLength: 300, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Cases", x => x.Id);
                table.ForeignKey("FK_Cases_Clients_ClientId", x => x.ClientId, "Clients", "Id", onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_Cases_ClientId_Currency", "Cases", ["ClientId", "Currency"], unique: true, filter: "\"ClosedOn\" IS NULL");

        migration.CreateTable(
            name: "CaseSteps",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                CaseId = table.Column<long>(nullable: false),
                Step = table.Column<string>(maxLength: 40, nullable: false),
                Outcome = table.Column<string>(maxLength: 20, nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: true),
                Day = table.Column<DateOnly>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CaseSteps", x => x.Id);
                table.ForeignKey("FK_CaseSteps_Cases_CaseId", x => x.CaseId, "Cases", "Id", onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_CaseSteps_CaseId_Step", "CaseSteps", ["CaseId", "Step"], unique: true);

        if (ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            // SQLite cannot add a foreign key to an existing table, but it can add a column that carries one.
            migration.Sql("""
                ALTER TABLE "Proposals" ADD COLUMN "CaseId" INTEGER NULL
                    CONSTRAINT "FK_Proposals_Cases_CaseId" REFERENCES "Cases" ("Id") ON DELETE RESTRICT;
                """);
        }
        else
        {
            migration.AddColumn<long>("CaseId", "Proposals", nullable: true);
            migration.AddForeignKey("FK_Proposals_Cases_CaseId", "Proposals", "CaseId", "Cases", principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
        migration.CreateIndex("IX_Proposals_CaseId", "Proposals", "CaseId");
        migration.DropIndex("IX_Proposals_InvoiceId_Step", "Proposals");
        migration.CreateIndex("IX_Proposals_InvoiceId_Step", "Proposals", ["InvoiceId", "Step"]);

        migration.CreateTable(
            name: "ProposalInvoices",
            columns: table => new
            {
                ProposalId = table.Column<long>(nullable: false),
                InvoiceId = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ProposalInvoices", x => new { x.ProposalId, x.InvoiceId });
                table.ForeignKey("FK_ProposalInvoices_Proposals_ProposalId", x => x.ProposalId, "Proposals", "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_ProposalInvoices_Invoices_InvoiceId", x => x.InvoiceId, "Invoices", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_ProposalInvoices_InvoiceId", "ProposalInvoices", "InvoiceId");

        migration.AddColumn<string>("Replaces", "Outbox", maxLength: 200, nullable: true);
        migration.AddColumn<string>("DisplayName", "ChatUsers", maxLength: 200, nullable: true);
        migration.AddColumn<string>("TimeZone", "Clients", maxLength: 100, nullable: true);

        // Adoption, in SQL both providers read alike: one open case per client and currency that has proposals on
        // invoices still owed; those proposals join it, each rung recorded once, and each covers its own invoice.
        migration.Sql("""
            INSERT INTO "Cases" ("ClientId", "Currency", "OpenedOn", "OpenedAt")
            SELECT i."ClientId", i."Currency", MIN(p."ProposedOn"), MIN(p."ProposedAt")
            FROM "Proposals" p JOIN "Invoices" i ON i."Id" = p."InvoiceId"
            WHERE i."Status" IN ('Open', 'PartiallyPaid')
            GROUP BY i."ClientId", i."Currency";
            """);
        migration.Sql("""
            UPDATE "Proposals" SET "CaseId" = (
                SELECT c."Id" FROM "Cases" c JOIN "Invoices" i ON i."ClientId" = c."ClientId" AND i."Currency" = c."Currency"
                WHERE i."Id" = "Proposals"."InvoiceId")
            WHERE "InvoiceId" IN (SELECT "Id" FROM "Invoices" WHERE "Status" IN ('Open', 'PartiallyPaid'));
            """);
        migration.Sql("""
            INSERT INTO "CaseSteps" ("CaseId", "Step", "Outcome", "Reason", "Day", "At")
            SELECT p."CaseId", p."Step", 'Proposed', 'proposed for one invoice before collection cases', MIN(p."ProposedOn"), MIN(p."ProposedAt")
            FROM "Proposals" p WHERE p."CaseId" IS NOT NULL
            GROUP BY p."CaseId", p."Step";
            """);
        migration.Sql("""
            INSERT INTO "ProposalInvoices" ("ProposalId", "InvoiceId") SELECT "Id", "InvoiceId" FROM "Proposals";
            """);
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropColumn("Replaces", "Outbox");
        migration.DropColumn("DisplayName", "ChatUsers");
        migration.DropColumn("TimeZone", "Clients");
        migration.DropTable("ProposalInvoices");
        migration.DropIndex("IX_Proposals_InvoiceId_Step", "Proposals");
        migration.CreateIndex("IX_Proposals_InvoiceId_Step", "Proposals", ["InvoiceId", "Step"], unique: true);
        migration.DropForeignKey("FK_Proposals_Cases_CaseId", "Proposals");
        migration.DropIndex("IX_Proposals_CaseId", "Proposals");
        migration.DropColumn("CaseId", "Proposals");
        migration.DropTable("CaseSteps");
        migration.DropTable("Cases");
    }
}
