using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// Books connected over OAuth (Xero, QuickBooks Online) with their encrypted tokens, the one-time links that connect
/// them, and the Data Protection key ring those tokens are encrypted with, so every replica reads the same keys.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261207000012_SourceConnections")]
public sealed class M0012_SourceConnections : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "SourceConnections",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Source = table.Column<string>(maxLength: 40, nullable: false),
                Tenant = table.Column<string>(maxLength: 100, nullable: false),
                TenantName = table.Column<string>(maxLength: 200, nullable: true),
                AccessToken = table.Column<string>(maxLength: 8000, nullable: false),
                AccessExpiresAt = table.Column<DateTime>(nullable: false),
                RefreshToken = table.Column<string>(maxLength: 4000, nullable: false),
                RefreshExpiresAt = table.Column<DateTime>(nullable: true),
                ConnectedBy = table.Column<string>(maxLength: 200, nullable: false),
                ConnectedAt = table.Column<DateTime>(nullable: false),
                RefreshedAt = table.Column<DateTime>(nullable: true),
                RevokedAt = table.Column<DateTime>(nullable: true),
                Problem = table.Column<string>(maxLength: 500, nullable: true),
                MinuteCallsLeft = table.Column<int>(nullable: true),
                DayCallsLeft = table.Column<int>(nullable: true),
                BudgetSeenAt = table.Column<DateTime>(nullable: true),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_SourceConnections", x => x.Id));
        migration.CreateIndex("IX_SourceConnections_Source", "SourceConnections", "Source", unique: true);

        migration.CreateTable(
            name: "ConnectRequests",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Source = table.Column<string>(maxLength: 40, nullable: false),
                State = table.Column<string>(maxLength: 64, nullable: false),
                CodeVerifier = table.Column<string>(maxLength: 2000, nullable: false),
                RequestedBy = table.Column<string>(maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                UsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ConnectRequests", x => x.Id));
        migration.CreateIndex("IX_ConnectRequests_State", "ConnectRequests", "State", unique: true);

        migration.CreateTable(
            name: "DataProtectionKeys",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                FriendlyName = table.Column<string>(nullable: true),
                Xml = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_DataProtectionKeys", x => x.Id));
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropTable("DataProtectionKeys");
        migration.DropTable("ConnectRequests");
        migration.DropTable("SourceConnections");
    }
}
