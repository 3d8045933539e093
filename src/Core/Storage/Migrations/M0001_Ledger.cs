using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>Clients, invoices, payments, import runs with their rejected rows, and the audit history.</summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261121000001_Ledger")]
public sealed class M0001_Ledger : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "Clients",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                NormalizedName = table.Column<string>(maxLength: 200, nullable: false),
                BillingEmail = table.Column<string>(maxLength: 320, nullable: true),
                OwnerUserId = table.Column<string>(maxLength: 100, nullable: true),
                Channel = table.Column<string>(maxLength: 100, nullable: true),
                CcAddresses = table.Column<string>(maxLength: 1000, nullable: true),
                PermitsServiceChanges = table.Column<bool>(nullable: true),
                OwnedUntilPaid = table.Column<bool>(nullable: true),
                LateFeeTerms = table.Column<string>(maxLength: 500, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Clients", x => x.Id));
        migration.CreateIndex("IX_Clients_NormalizedName", "Clients", "NormalizedName", unique: true);

        migration.CreateTable(
            name: "Invoices",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Source = table.Column<string>(maxLength: 40, nullable: false),
                Number = table.Column<string>(maxLength: 100, nullable: false),
                ClientId = table.Column<long>(nullable: false),
                IssueDate = table.Column<DateOnly>(nullable: true),
                DueDate = table.Column<DateOnly>(nullable: false),
                Currency = table.Column<string>(maxLength: 3, nullable: false),
                Total = table.Column<decimal>(precision: 19, scale: 4, nullable: false),
                AmountPaid = table.Column<decimal>(precision: 19, scale: 4, nullable: false),
                AmountDue = table.Column<decimal>(precision: 19, scale: 4, nullable: false),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                MissingSince = table.Column<DateTime>(nullable: true),
                LastImportRunId = table.Column<long>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Invoices", x => x.Id);
                table.ForeignKey("FK_Invoices_Clients_ClientId", x => x.ClientId, "Clients", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_Invoices_ClientId", "Invoices", "ClientId");
        migration.CreateIndex("IX_Invoices_Source_Number", "Invoices", ["Source", "Number"], unique: true);

        migration.CreateTable(
            name: "Payments",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                InvoiceId = table.Column<long>(nullable: false),
                Amount = table.Column<decimal>(precision: 19, scale: 4, nullable: false),
                Currency = table.Column<string>(maxLength: 3, nullable: false),
                PaidOn = table.Column<DateOnly>(nullable: false),
                Origin = table.Column<string>(maxLength: 20, nullable: false),
                ImportRunId = table.Column<long>(nullable: true),
                RecordedBy = table.Column<string>(maxLength: 200, nullable: false),
                RecordedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Payments", x => x.Id);
                table.ForeignKey("FK_Payments_Invoices_InvoiceId", x => x.InvoiceId, "Invoices", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_Payments_InvoiceId", "Payments", "InvoiceId");

        migration.CreateTable(
            name: "ImportRuns",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                FileName = table.Column<string>(maxLength: 500, nullable: false),
                FileHash = table.Column<string>(maxLength: 64, nullable: false),
                FileSize = table.Column<long>(nullable: false),
                Format = table.Column<string>(maxLength: 60, nullable: true),
                StartedAt = table.Column<DateTime>(nullable: false),
                FinishedAt = table.Column<DateTime>(nullable: true),
                Outcome = table.Column<string>(maxLength: 20, nullable: false),
                Message = table.Column<string>(maxLength: 2000, nullable: true),
                Rows = table.Column<int>(nullable: false),
                Invoices = table.Column<int>(nullable: false),
                Created = table.Column<int>(nullable: false),
                Updated = table.Column<int>(nullable: false),
                Unchanged = table.Column<int>(nullable: false),
                RejectedCount = table.Column<int>(nullable: false),
                Warnings = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ImportRuns", x => x.Id));
        migration.CreateIndex("IX_ImportRuns_FileHash", "ImportRuns", "FileHash");

        migration.CreateTable(
            name: "RejectedRows",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ImportRunId = table.Column<long>(nullable: false),
                Line = table.Column<int>(nullable: false),
                Reason = table.Column<string>(maxLength: 1000, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RejectedRows", x => x.Id);
                table.ForeignKey("FK_RejectedRows_ImportRuns_ImportRunId", x => x.ImportRunId, "ImportRuns", "Id",
                    onDelete: ReferentialAction.Cascade);
            });
        migration.CreateIndex("IX_RejectedRows_ImportRunId", "RejectedRows", "ImportRunId");

        migration.CreateTable(
            name: "AuditEntries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                At = table.Column<DateTime>(nullable: false),
                Actor = table.Column<string>(maxLength: 300, nullable: false),
                Action = table.Column<string>(maxLength: 60, nullable: false),
                Subject = table.Column<string>(maxLength: 300, nullable: false),
                Details = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AuditEntries", x => x.Id));
        migration.CreateIndex("IX_AuditEntries_At", "AuditEntries", "At");
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropTable("AuditEntries");
        migration.DropTable("RejectedRows");
        migration.DropTable("ImportRuns");
        migration.DropTable("Payments");
        migration.DropTable("Invoices");
        migration.DropTable("Clients");
    }
}
