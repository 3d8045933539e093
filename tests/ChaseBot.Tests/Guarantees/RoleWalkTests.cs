using System.Text.Json;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Commands;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Morale;
using ChaseBot.Tests.Chasing;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// Every command and every button, tried by someone outside the roles, a viewer, a collector and an approver. A
/// refusal says which setting grants the role, and changes nothing at all; an allowed change is made.
/// </summary>
public sealed class RoleWalkTests
{
    private static readonly string[] People = ["stranger", "viewer", "collector", "approver"];
    private static readonly ChatOptions Roles = new() { Viewers = ["viewer", "collector", "approver"], Collectors = ["collector", "approver"] };

    /// <summary>Each command, the least role it needs, and whether it changes anything.</summary>
    public static TheoryData<string, string, bool> Commands => new()
    {
        { "status", "viewer", false },
        { "status INV-0101 public", "viewer", false },
        { "help", "viewer", false },
        { "digest", "viewer", true },
        { "morale off", "viewer", true },
        { "paid INV-0101 100", "collector", true },
        { "dispute INV-0101 the logo was wrong", "collector", true },
        { "resolve INV-0102 credit note issued", "collector", true },
        { "promise INV-0101 tomorrow", "collector", true },
        { "snooze INV-0101 7", "collector", true },
        { "snooze Kauri Digital Ltd 7", "collector", true },
        { "resume INV-0103", "collector", true },
        { "client Kauri Digital Ltd owner <@U0OWNER7>", "collector", true },
        { "client Kauri Digital Ltd channel <#C0AR9|ar>", "collector", true },
        { "client Kauri Digital Ltd cc ap@kauri.example", "collector", true },
        { "client Kauri Digital Ltd allow service-changes", "collector", true },
        { "client Kauri Digital Ltd deny owned-until-paid", "collector", true },
        { "client Kauri Digital Ltd pause", "collector", true },
        { "client Kauri Digital Ltd resume", "collector", true },
    };

    private static int Rank(string person) => Array.IndexOf(People, person);

    private static async Task<ChaseHarness> LedgerAsync()
    {
        var h = new ChaseHarness(configure: o => o.Approvers = ["approver"]);
        var kauri = await h.ClientAsync("Kauri Digital Ltd");
        await h.InvoiceAsync(kauri, "INV-0101", 10, 4600m);
        await h.InvoiceAsync(kauri, "INV-0102", 30, 1200m);
        await h.InvoiceAsync(kauri, "INV-0103", 12, 800m, i => i.SnoozedUntil = h.Today.AddDays(5));
        await h.SayAsync("dispute INV-0102 wrong rate", "approver", Roles);
        await h.InvoiceAsync(await h.ClientAsync("Helios Solar Co"), "A-4", 30); // a formal late notice to decide
        await h.Runner.RunAsync();
        return h;
    }

    /// <summary>Everything a command or a button could change, as one string.</summary>
    private static Task<string> StateAsync(ChaseHarness h) => h.QueryAsync(async db => JsonSerializer.Serialize(new
    {
        invoices = await db.Invoices.OrderBy(i => i.Id).Select(i => new { i.AmountPaid, i.Status, i.SnoozedUntil }).ToListAsync(),
        clients = await db.Clients.OrderBy(c => c.Id).Select(c => new { c.OwnerUserId, c.Channel, c.CcAddresses, c.IsPaused, c.PausedUntil, c.Clauses.PermitsServiceChanges, c.Clauses.OwnedUntilPaid }).ToListAsync(),
        payments = await db.Payments.CountAsync(),
        disputes = await db.Disputes.Select(d => new { d.Reason, d.ResolvedAt }).ToListAsync(),
        promises = await db.PaymentPromises.CountAsync(),
        proposals = await db.Proposals.Select(p => new { p.Status, p.DecidedBy }).ToListAsync(),
        users = await db.ChatUsers.ToListAsync(),
        morale = await db.MoraleChecks.Select(m => m.Answer).ToListAsync(),
        outbox = await db.Outbox.CountAsync(),
        audit = await db.AuditEntries.CountAsync(),
    }));

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Each_command_is_refused_below_its_role_changing_nothing_and_works_from_it(string command, string needs, bool changes)
    {
        foreach (var person in People)
        {
            using var h = await LedgerAsync();
            var before = await StateAsync(h);

            var answer = await h.SayAsync(command, person, Roles);

            var after = await StateAsync(h);
            if (Rank(person) < Rank(needs))
            {
                Assert.Contains(needs == "viewer" ? "Chat:Viewers" : "Chat:Collectors", answer);
                Assert.True(before == after, $"{person} was refused \"{command}\" but something changed");
            }
            else
            {
                Assert.DoesNotContain("Chat:Viewers", answer);
                Assert.DoesNotContain("Chat:Collectors", answer);
                Assert.True(!changes || before != after, $"{person} may \"{command}\" but nothing changed: {answer}");
            }
        }
    }

    [Theory]
    [InlineData(Verdict.Approve)]
    [InlineData(Verdict.Snooze)]
    [InlineData(Verdict.Reject)]
    public async Task Only_an_approver_can_press_a_proposal_button(Verdict verdict)
    {
        foreach (var person in People)
        {
            using var h = await LedgerAsync();
            var proposal = await h.QueryAsync(db => db.Proposals.SingleAsync());
            var before = await StateAsync(h);

            var result = await h.Decisions.DecideAsync(proposal.Id, new Actor("slack", person), verdict, reason: "walked");

            Assert.Equal(person == "approver", result.Accepted);
            if (person != "approver")
            {
                Assert.Contains("Chase:Approvers", result.Message);
                Assert.Equal(before, await StateAsync(h));
            }
            else
                Assert.NotEqual(before, await StateAsync(h));
        }
    }

    [Fact]
    public async Task Only_the_person_asked_can_answer_a_check_in_and_a_refusal_does_not_say_whose_it_is()
    {
        using var h = await LedgerAsync();
        await using (var db = h.Db.Open())
        {
            db.MoraleChecks.Add(new MoraleCheck { UserId = "collector", Trigger = "weekly", AskedAt = h.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }
        var check = await h.QueryAsync(db => db.MoraleChecks.SingleAsync(c => c.UserId == "collector"));
        var before = await StateAsync(h);

        foreach (var person in People.Where(p => p != "collector"))
            Assert.Equal("That check-in isn't yours to answer.", await h.Morale.AnswerAsync(check.Id, person, "rough"));
        Assert.Equal("That check-in isn't yours to answer.", await h.Morale.AnswerAsync(check.Id + 1000, "collector", "rough"));
        Assert.Equal(before, await StateAsync(h));

        await h.Morale.AnswerAsync(check.Id, "collector", "rough");
        Assert.Equal("rough", (await h.QueryAsync(db => db.MoraleChecks.SingleAsync(c => c.Id == check.Id))).Answer);
    }
}
