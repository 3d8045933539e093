using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// The day a proposal was last put to a person again (back from a snooze, or updated after a withdrawal), so "waiting
/// N days" counts from the card people are looking at, not from a first card that no longer stands. Existing proposals
/// have none: they count from the day they were proposed, as before. And the referral clause of a client's contract,
/// with who a referral goes to: existing clients have none recorded, which counts as "not permitted".
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261207000010_WaitingAndReferral")]
public sealed class M0010_WaitingAndReferral : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.AddColumn<DateOnly>(name: "PutOn", table: "Proposals", nullable: true);
        migration.AddColumn<bool>(name: "PermitsReferral", table: "Clients", nullable: true);
        migration.AddColumn<string>(name: "ReferTo", table: "Clients", maxLength: 200, nullable: true);
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropColumn(name: "PutOn", table: "Proposals");
        migration.DropColumn(name: "PermitsReferral", table: "Clients");
        migration.DropColumn(name: "ReferTo", table: "Clients");
    }
}
