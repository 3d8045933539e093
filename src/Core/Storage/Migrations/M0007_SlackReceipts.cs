using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>Slack requests taken on (Socket Mode envelopes, Events API events), so a redelivery is processed once.</summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261128000007_SlackReceipts")]
public sealed class M0007_SlackReceipts : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "SlackReceipts",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 255, nullable: false),
                ReceivedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_SlackReceipts", x => x.Key));
        migration.CreateIndex("IX_SlackReceipts_ReceivedAt", "SlackReceipts", "ReceivedAt");
    }

    protected override void Down(MigrationBuilder migration) => migration.DropTable("SlackReceipts");
}
