using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>Teams conversation references, for proactive messages.</summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261121000004_TeamsConversations")]
public sealed class M0004_TeamsConversations : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "ConversationReferences",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ConversationId = table.Column<string>(maxLength: 300, nullable: false),
                ServiceUrl = table.Column<string>(maxLength: 500, nullable: false),
                TenantId = table.Column<string>(maxLength: 100, nullable: true),
                BotId = table.Column<string>(maxLength: 200, nullable: false),
                UserId = table.Column<string>(maxLength: 200, nullable: true),
                AadObjectId = table.Column<string>(maxLength: 100, nullable: true),
                ConversationType = table.Column<string>(maxLength: 30, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                RetiredAt = table.Column<DateTime>(nullable: true),
                RetiredReason = table.Column<string>(maxLength: 300, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ConversationReferences", x => x.Id));
        migration.CreateIndex("IX_ConversationReferences_ConversationId", "ConversationReferences", "ConversationId", unique: true);
        migration.CreateIndex("IX_ConversationReferences_UserId", "ConversationReferences", "UserId");
    }

    protected override void Down(MigrationBuilder migration) => migration.DropTable("ConversationReferences");
}
