using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>The digest's picture (an aging chart as PNG) with its words, kept for the platforms that send or serve it.</summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261207000013_DigestCharts")]
public sealed class M0013_DigestCharts : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "DigestCharts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                AsOf = table.Column<DateOnly>(nullable: false),
                Png = table.Column<byte[]>(nullable: false),
                AltText = table.Column<string>(maxLength: 4000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DigestCharts", x => x.Id));
    }

    protected override void Down(MigrationBuilder migration) => migration.DropTable("DigestCharts");
}
