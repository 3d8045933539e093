using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>The chase engine: steps taken, proposals, the outbox, morale check-ins, chat users, digests.</summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261121000003_Chasing")]
public sealed class M0003_Chasing : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "ChaseSteps",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                InvoiceId = table.Column<long>(nullable: false),
                Step = table.Column<string>(maxLength: 40, nullable: false),
                Outcome = table.Column<string>(maxLength: 20, nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: true),
                Day = table.Column<DateOnly>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ChaseSteps", x => x.Id);
                table.ForeignKey("FK_ChaseSteps_Invoices_InvoiceId", x => x.InvoiceId, "Invoices", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_ChaseSteps_InvoiceId_Step", "ChaseSteps", ["InvoiceId", "Step"], unique: true);

        migration.CreateTable(
            name: "Proposals",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                InvoiceId = table.Column<long>(nullable: false),
                Step = table.Column<string>(maxLength: 40, nullable: false),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                ProposedOn = table.Column<DateOnly>(nullable: false),
                ProposedAt = table.Column<DateTime>(nullable: false),
                DecidedBy = table.Column<string>(maxLength: 200, nullable: true),
                DecidedAt = table.Column<DateTime>(nullable: true),
                DecidedOn = table.Column<DateOnly>(nullable: true),
                Reason = table.Column<string>(maxLength: 1000, nullable: true),
                SnoozedUntil = table.Column<DateOnly>(nullable: true),
                Resurfaced = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Proposals", x => x.Id);
                table.ForeignKey("FK_Proposals_Invoices_InvoiceId", x => x.InvoiceId, "Invoices", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migration.CreateIndex("IX_Proposals_InvoiceId_Step", "Proposals", ["InvoiceId", "Step"], unique: true);
        migration.CreateIndex("IX_Proposals_Status", "Proposals", "Status");

        migration.CreateTable(
            name: "Outbox",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Key = table.Column<string>(maxLength: 300, nullable: false),
                Kind = table.Column<string>(maxLength: 30, nullable: false),
                Audience = table.Column<string>(maxLength: 20, nullable: false),
                Target = table.Column<string>(maxLength: 200, nullable: false),
                Body = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                NotBefore = table.Column<DateTime>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: true),
                ClaimedUntil = table.Column<DateTime>(nullable: true),
                DeliveredAt = table.Column<DateTime>(nullable: true),
                Platform = table.Column<string>(maxLength: 30, nullable: true),
                PlatformMessageId = table.Column<string>(maxLength: 200, nullable: true),
                DeadLetteredAt = table.Column<DateTime>(nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Outbox", x => x.Id));
        migration.CreateIndex("IX_Outbox_Key", "Outbox", "Key", unique: true);
        migration.CreateIndex("IX_Outbox_DeliveredAt_DeadLetteredAt_NotBefore", "Outbox", ["DeliveredAt", "DeadLetteredAt", "NotBefore"]);

        migration.CreateTable(
            name: "MoraleChecks",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                UserId = table.Column<string>(maxLength: 100, nullable: false),
                Trigger = table.Column<string>(maxLength: 30, nullable: false),
                AskedAt = table.Column<DateTime>(nullable: false),
                Answer = table.Column<string>(maxLength: 30, nullable: true),
                AnsweredAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MoraleChecks", x => x.Id));
        migration.CreateIndex("IX_MoraleChecks_UserId_AskedAt", "MoraleChecks", ["UserId", "AskedAt"]);

        migration.CreateTable(
            name: "ChatUsers",
            columns: table => new
            {
                UserId = table.Column<string>(maxLength: 100, nullable: false),
                MoraleOptOut = table.Column<bool>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ChatUsers", x => x.UserId));

        migration.CreateTable(
            name: "Digests",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                At = table.Column<DateTime>(nullable: false),
                Key = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Digests", x => x.Id));
        migration.CreateIndex("IX_Digests_Key", "Digests", "Key", unique: true);
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropTable("Digests");
        migration.DropTable("ChatUsers");
        migration.DropTable("MoraleChecks");
        migration.DropTable("Outbox");
        migration.DropTable("Proposals");
        migration.DropTable("ChaseSteps");
    }
}
