using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Core.Storage.Migrations;

/// <summary>
/// Whose law governs a client's late payments and whether they are a consumer, and the contract's own late-payment
/// interest and fee (docs/late-payment.md), and a case's charges claimed by an approver. Existing clients have no
/// jurisdiction recorded (no statute is applied) and are businesses, as the default is; no case has claimed any.
/// </summary>
[DbContext(typeof(ChaseDbContext))]
[Migration("20261207000014_LatePaymentTerms")]
public sealed class M0014_LatePaymentTerms : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.AddColumn<string>(name: "Jurisdiction", table: "Clients", maxLength: 8, nullable: true);
        migration.AddColumn<bool>(name: "IsConsumer", table: "Clients", nullable: false, defaultValue: false);
        migration.AddColumn<decimal>(name: "LateInterestPercentAYear", table: "Clients", precision: 19, scale: 4, nullable: true);
        migration.AddColumn<decimal>(name: "LateFee", table: "Clients", precision: 19, scale: 4, nullable: true);
        migration.AddColumn<DateOnly>(name: "ChargesClaimedOn", table: "Cases", nullable: true);
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropColumn(name: "Jurisdiction", table: "Clients");
        migration.DropColumn(name: "IsConsumer", table: "Clients");
        migration.DropColumn(name: "LateInterestPercentAYear", table: "Clients");
        migration.DropColumn(name: "LateFee", table: "Clients");
        migration.DropColumn(name: "ChargesClaimedOn", table: "Cases");
    }
}
