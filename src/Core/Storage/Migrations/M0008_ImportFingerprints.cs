using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// Each invoice's import fingerprint, so a re-import passes over the rows that have not changed. Existing invoices start
/// without one: the next import reads them as before and gives them one.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261128000008_ImportFingerprints")]
public sealed class M0008_ImportFingerprints : Migration
{
    protected override void Up(MigrationBuilder migration) =>
        migration.AddColumn<long>(name: "ImportFingerprint", table: "Invoices", nullable: true);

    protected override void Down(MigrationBuilder migration) => migration.DropColumn(name: "ImportFingerprint", table: "Invoices");
}
