using System.Diagnostics;
using System.Text.Json.Nodes;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Teams;

/// <summary>Every kind of message, rendered as an Adaptive Card, passes the official adaptivecards parser for version 1.5.</summary>
public sealed class AdaptiveCardSchemaTests
{
    [Fact]
    public async Task Every_message_kind_is_a_valid_Adaptive_Card_1_5()
    {
        var client = new ClientView(1, "Kauri Digital Ltd", "accounts@kauri.example", "finance@kauri.example", "teams:29:owner", "teams:19:ar", "1.5% a month");
        var invoice = new InvoiceView(1, "INV-0101", "NZD", 4600m, 4600m, new DateOnly(2026, 9, 15), new DateOnly(2026, 10, 15), 37);
        var others = new List<InvoiceView> { invoice, invoice with { Id = 2, Number = "INV-0103", AmountDue = 2300m, DaysLate = 3 } };
        var today = new DateOnly(2026, 11, 21);
        var ladder = ChaseLadder.Default;
        var step = (string id) => ladder.Find(id)!;
        var suspended = new CaseHistory([new TakenStep(ChaseLadder.FinalNotice, today.AddDays(-20)), new TakenStep(ChaseLadder.Suspension, today.AddDays(-5))],
            [today.AddDays(-30)]);
        var collection = new CaseView(client with { MaySuspend = true }, "NZD", others, [invoice with { Id = 3, Number = "INV-0110", DaysLate = -9 }], suspended);

        var cards = new Dictionary<string, JsonObject>
        {
            ["reminder"] = AdaptiveCards.Card(ChaseMessages.Reminders(client, [new DueReminder(invoice, step(ChaseLadder.Reminder3), "37 days", true)], today, "Accounts")),
            ["guard-note"] = AdaptiveCards.Card(ChaseMessages.GuardNote(collection, step(ChaseLadder.Suspension), "the contract does not say")),
            ["broken-promise"] = AdaptiveCards.Card(ChaseMessages.BrokenPromise(client, invoice, "the promise was broken")),
            ["thanks"] = AdaptiveCards.Card(ChaseMessages.Thanks(client, "INV-0101", 1)),
            ["reopened"] = AdaptiveCards.Card(ChaseMessages.Reopened(client, invoice)),
            ["receipt"] = AdaptiveCards.Card(ChaseMessages.Receipt(client, 2,
                EscalationArtifacts.Receipt(client, [(invoice, today), (others[1], null)], "Accounts", [others[0]]), [others[0]])),
            ["digest"] = AdaptiveCards.Card(new ChatMessage
            {
                Title = "Accounts receivable digest", Lines = ["*Owed*", "NZD 6,900.00 outstanding"],
                Table = [["Currency", "Outstanding", "90+"], ["NZD", "6,900.00", "0.00"], ["USD", "950.00", "950.00"]],
            }),
            ["digest-with-chart"] = AdaptiveCards.Card(new ChatMessage { Title = "Accounts receivable digest", Lines = ["NZD: 6,900.00 owed"] },
                picture: (new Uri("https://chasebot.example.com/charts/CfDJ8abc.png"), "Accounts receivable by age on 21 November 2026.")),
            ["status"] = AdaptiveCards.Card(new ChatMessage { Title = "Owed as of 21 Nov 2026", Lines = ["INV-0101 · Kauri · NZD 4,600.00"] }),
            ["morale"] = AdaptiveCards.Card(new ChatMessage
            {
                Title = "How are you holding up?", Lines = ["Just for you."],
                Actions = [new ChatAction(Core.Morale.MoraleCheckIns.AnswerAction, "Steady", "1:steady")],
            }),
        };
        foreach (var id in new[] { ChaseLadder.LateNotice, ChaseLadder.ServiceReduction, ChaseLadder.FinalNotice, ChaseLadder.Suspension,
                     ChaseLadder.HandOff, ChaseLadder.RestoreAccess })
        {
            var artifact = EscalationArtifacts.For(id, collection, today, ladder, "Accounts");
            var proposal = ChaseMessages.Proposal(7, collection, step(id), "2 invoices overdue, the oldest 37 days past due", artifact);
            cards[$"proposal:{id}"] = AdaptiveCards.Card(proposal);
            cards[$"decided:{id}"] = AdaptiveCards.Card(proposal, "Approved by teams:aad-1 at 10:00", withActions: false);
            cards[$"approved:{id}"] = AdaptiveCards.Card(ChaseMessages.Approved(collection, step(id), "Ana", artifact));
        }

        var (exitCode, output) = await CheckAsync(new JsonObject(cards.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))));

        Assert.True(exitCode == 0, output);
        Assert.Equal(cards.Count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(": ok", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_checker_catches_an_invalid_card()
    {
        var (exitCode, output) = await CheckAsync(new JsonObject
        {
            ["broken"] = JsonNode.Parse("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Bogus"},{"type":"Container","style":"loud","items":[]}]}"""),
        });
        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown element type", output);
    }

    internal static async Task<(int ExitCode, string Output)> CheckAsync(JsonObject cards)
    {
        var folder = Path.Combine(Samples.RepositoryRoot, "tools", "card-check");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "adaptivecards")),
            "tools/card-check is not installed: the test project's build runs `npm ci` there (needs Node.js and npm)");
        var start = new ProcessStartInfo("node", "check.js")
        {
            WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(cards.ToJsonString());
        node.StandardInput.Close();
        var output = await node.StandardOutput.ReadToEndAsync() + await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        return (node.ExitCode, output);
    }
}

public sealed class TeamsPackageTests
{
    [Fact]
    public async Task The_package_script_writes_a_zip_with_the_manifest_filled_in_and_both_icons()
    {
        var output = Path.Combine(Path.GetTempPath(), $"chasebot-teams-{Guid.NewGuid():N}.zip");
        var start = new ProcessStartInfo("bash", Path.Combine(Samples.RepositoryRoot, "deploy", "teams", "package.sh"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["TEAMS_APP_ID"] = "11111111-2222-3333-4444-555555555555", ["CHASEBOT_HOST"] = "bot.example.org", ["OUT"] = output },
        };
        using (var script = Process.Start(start)!)
        {
            var errors = await script.StandardError.ReadToEndAsync();
            await script.WaitForExitAsync();
            Assert.True(script.ExitCode == 0, errors);
        }
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(output);
            Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.Name).Order());
            using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
            var manifest = JsonNode.Parse(await reader.ReadToEndAsync())!;
            Assert.Equal("11111111-2222-3333-4444-555555555555", manifest["bots"]![0]!["botId"]!.GetValue<string>());
            Assert.Equal(["personal", "team", "groupChat"], manifest["bots"]![0]!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.DoesNotContain("{{", manifest.ToJsonString());
        }
        finally
        {
            File.Delete(output);
        }
    }
}
