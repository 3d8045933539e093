using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>What people tell ChaseBot about an invoice or client: disputes, promises to pay, snoozes and pauses.</summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261121000002_ChasingFacts")]
public sealed class M0002_ChasingFacts : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.AddColumn<DateOnly>("SnoozedUntil", "Invoices", nullable: true);
        migration.AddColumn<bool>("IsPaused", "Clients", nullable: false, defaultValue: false);
        migration.AddColumn<DateOnly>("PausedUntil", "Clients", nullable: true);

        migration.CreateTable(
            name: "Disputes",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                InvoiceId = table.Column<long>(nullable: false),
                Reason = table.Column<string>(maxLength: 1000, nullable: false),
                OpenedBy = table.Column<string>(maxLength: 200, nullable: false),
                OpenedAt = table.Column<DateTime>(nullable: false),
                ResolvedBy = table.Column<string>(maxLength: 200, nullable: true),
                ResolvedAt = table.Column<DateTime>(nullable: true),
                ResolutionNote = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Disputes", x => x.Id);
                table.ForeignKey("FK_Disputes_Invoices_InvoiceId", x => x.InvoiceId, "Invoices", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_Disputes_InvoiceId", "Disputes", "InvoiceId");

        migration.CreateTable(
            name: "PaymentPromises",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                InvoiceId = table.Column<long>(nullable: false),
                PromisedFor = table.Column<DateOnly>(nullable: false),
                Amount = table.Column<decimal>(precision: 19, scale: 4, nullable: true),
                RecordedBy = table.Column<string>(maxLength: 200, nullable: false),
                RecordedAt = table.Column<DateTime>(nullable: false),
                Kept = table.Column<bool>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PaymentPromises", x => x.Id);
                table.ForeignKey("FK_PaymentPromises_Invoices_InvoiceId", x => x.InvoiceId, "Invoices", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_PaymentPromises_InvoiceId", "PaymentPromises", "InvoiceId");
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropTable("PaymentPromises");
        migration.DropTable("Disputes");
        migration.DropColumn("PausedUntil", "Clients");
        migration.DropColumn("IsPaused", "Clients");
        migration.DropColumn("SnoozedUntil", "Invoices");
    }
}
