using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// Where an import's facts came from: a file dropped in the folder (every run so far), or a sync with a connected source
/// (which, and where the sync got to), and whether the facts are a snapshot (what is missing is flagged) or changes
/// (what is missing is untouched). Existing runs were files and snapshots. And an invoice's id in its connected source,
/// to read it again before anything is sent about it: existing invoices have none until a sync lists them.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261207000011_ImportOrigins")]
public sealed class M0011_ImportOrigins : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.AddColumn<string>(name: "Origin", table: "ImportRuns", maxLength: 10, nullable: false, defaultValue: "File");
        migration.AddColumn<string>(name: "Source", table: "ImportRuns", maxLength: 60, nullable: true);
        migration.AddColumn<string>(name: "Cursor", table: "ImportRuns", maxLength: 500, nullable: true);
        migration.AddColumn<string>(name: "Mode", table: "ImportRuns", maxLength: 10, nullable: false, defaultValue: "Snapshot");
        migration.AddColumn<string>(name: "SourceId", table: "Invoices", maxLength: 100, nullable: true);
        migration.CreateIndex(name: "IX_ImportRuns_Source_Outcome_Id", table: "ImportRuns", columns: ["Source", "Outcome", "Id"]);
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropIndex(name: "IX_ImportRuns_Source_Outcome_Id", table: "ImportRuns");
        migration.DropColumn(name: "Origin", table: "ImportRuns");
        migration.DropColumn(name: "Source", table: "ImportRuns");
        migration.DropColumn(name: "Cursor", table: "ImportRuns");
        migration.DropColumn(name: "Mode", table: "ImportRuns");
        migration.DropColumn(name: "SourceId", table: "Invoices");
    }
}
