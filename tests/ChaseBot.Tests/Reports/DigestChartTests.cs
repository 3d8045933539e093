using System.Text.Json.Nodes;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using ChaseBot.Tests.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace ChaseBot.Tests.Reports;

/// <summary>The digest's picture: what it plots is the ledger's, it is a real picture, and each platform gets it.</summary>
public sealed class DigestChartTests : IDisposable
{
    private const string PublicUrl = "https://chasebot.example.com";
    private readonly ChaseHarness _h = new(configuration: new Dictionary<string, string?> { ["Bot:PublicUrl"] = PublicUrl });

    public void Dispose() => _h.Dispose();

    private async Task PaymentAsync(Invoice invoice, decimal amount, string paidOn)
    {
        await using var db = _h.Db.Open();
        var stored = await db.Invoices.SingleAsync(i => i.Id == invoice.Id);
        db.Payments.Add(new Payment
        {
            InvoiceId = invoice.Id, Amount = amount, Currency = stored.Currency, PaidOn = DateOnly.Parse(paidOn), Origin = PaymentOrigin.Logged,
            RecordedBy = "test", RecordedAt = DateTime.Parse(paidOn + "T12:00:00Z").ToUniversalTime(),
        });
        stored.AmountPaid += amount;
        stored.AmountDue -= amount;
        stored.Status = stored.AmountDue == 0 ? InvoiceStatus.Paid : InvoiceStatus.PartiallyPaid;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_bars_are_the_ledgers_aging_and_each_week_is_what_was_overdue_that_day()
    {
        // The ledger began before the 12 weeks drawn (the first ends Monday 7 Sep): every week is known.
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        var k1 = await _h.InvoiceAsync(kauri, "K-1", 70, 3000m, i => i.CreatedAt = new DateTime(2026, 8, 31));   // due 14 Sep
        var k2 = await _h.InvoiceAsync(kauri, "K-2", 20, 1200m, i => i.CreatedAt = new DateTime(2026, 8, 31));   // due 3 Nov
        await _h.InvoiceAsync(kauri, "K-3", -5, 500m, i => i.CreatedAt = new DateTime(2026, 8, 31));             // due 28 Nov
        await _h.InvoiceAsync(await _h.ClientAsync("Berlin Bikes"), "B-1", 35, 800m,
            i => (i.Currency, i.CreatedAt) = ("EUR", new DateTime(2026, 8, 31)));
        await PaymentAsync(k1, 1000m, "2026-10-01");
        await PaymentAsync(k2, 1200m, "2026-11-10");

        await using var db = _h.Db.Open();
        var today = new DateOnly(2026, 11, 23);
        var chart = await AgingChart.RunAsync(db, today, default);
        var figures = await CollectionFigures.RunAsync(db, today, default);

        // The bars are the figures' buckets, currency by currency.
        Assert.Equal(figures.Currencies.Select(c => c.Currency), chart.Currencies.Select(c => c.Currency));
        foreach (var (bars, f) in chart.Currencies.Zip(figures.Currencies))
            Assert.Equal(AgingChart.BucketAmounts(f.Buckets), AgingChart.BucketAmounts(bars.Buckets));
        var usd = chart.Currencies.Single(c => c.Currency == "USD");
        Assert.Equal([500m, 0m, 0m, 2000m, 0m], AgingChart.BucketAmounts(usd.Buckets));
        // The line: 12 weeks ending today, each the overdue total that day; today's equals the figures' overdue.
        Assert.Equal(12, usd.Weeks.Count);
        Assert.Equal((new DateOnly(2026, 9, 7), today), (usd.Weeks[0].Day, usd.Weeks[^1].Day));
        Assert.Equal(figures.Currencies.Single(c => c.Currency == "USD").Overdue, usd.Weeks[^1].Overdue);
        var byDay = usd.Weeks.ToDictionary(w => w.Day, w => w.Overdue);
        Assert.Equal(0m, byDay[new DateOnly(2026, 9, 14)]);          // K-1 falls due that day: not yet overdue
        Assert.Equal(3000m, byDay[new DateOnly(2026, 9, 21)]);       // K-1 whole
        Assert.Equal(2000m, byDay[new DateOnly(2026, 10, 5)]);       // 1,000 paid on 1 Oct
        Assert.Equal(3200m, byDay[new DateOnly(2026, 11, 9)]);       // K-2 due 3 Nov, paid 10 Nov
        Assert.Equal(2000m, byDay[new DateOnly(2026, 11, 16)]);
        Assert.Contains("USD: not yet due 500.00, 1-30 days 0.00, 31-60 0.00, 61-90 2,000.00, over 90 0.00.", chart.AltText());
        Assert.Contains("Overdue 0.00 on 7 Sep, 2,000.00 on 23 Nov (growing).", chart.AltText());
    }

    [Fact]
    public async Task Weeks_before_the_ledger_began_are_not_drawn_and_the_words_say_so()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m, i => i.CreatedAt = new DateTime(2026, 11, 10));

        await using var db = _h.Db.Open();
        var chart = await AgingChart.RunAsync(db, new DateOnly(2026, 11, 23), default);

        var weeks = Assert.Single(chart.Currencies).Weeks;
        Assert.All(weeks.Where(w => w.Day < new DateOnly(2026, 11, 10)), w => Assert.Null(w.Overdue));
        Assert.Equal([2500m, 2500m], weeks.Where(w => w.Overdue is not null).Select(w => w.Overdue!.Value));
        Assert.Contains("Weeks before 10 Nov, when the ledger began, are not drawn.", chart.AltText());
    }

    [Fact]
    public async Task The_picture_is_a_PNG_a_phone_can_show_and_not_blank()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m);
        await _h.InvoiceAsync(await _h.ClientAsync("Tui Print"), "T-1", 5, 800m);
        await using var db = _h.Db.Open();

        var png = ChartPicture.Png(await AgingChart.RunAsync(db, new DateOnly(2026, 11, 23), default));

        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.InRange(png.Length, 10_000, 1_000_000);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((ChartPicture.Width, 600), (bitmap.Width, bitmap.Height));
        var inked = 0;
        var colours = new HashSet<uint>();
        for (var y = 0; y < bitmap.Height; y += 2)
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var pixel = bitmap.GetPixel(x, y);
                colours.Add((uint)pixel);
                if (pixel.Red < 200 || pixel.Green < 200 || pixel.Blue < 200)
                    inked++;
            }
        Assert.True(inked > bitmap.Width * bitmap.Height / 4 / 50, $"only {inked} inked pixels: the picture is nearly blank");
        Assert.Contains((uint)new SKColor(0xE3, 0xB2, 0x3C), colours); // the 1-30 days bar
        Assert.Contains((uint)new SKColor(0xE0, 0x7A, 0x2E), colours); // the 31-60 days bar
    }

    [Fact]
    public async Task The_console_writes_the_picture_beside_the_ledger_and_prints_its_path()
    {
        using var db = new TestDatabase();

        var result = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "run-once", "--folder", Samples.Folder, "--db", db.Path);

        Assert.Equal(0, result.ExitCode);
        var path = Path.Combine(Path.GetDirectoryName(db.Path)!, "receivables-2026-11-23.png");
        Assert.Contains($"│ Chart: {path}", result.Out);
        await using var ledger = db.Open();
        Assert.Equal((await ledger.DigestCharts.SingleAsync()).Png, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Report_png_draws_the_same_picture_as_of_the_day_asked()
    {
        using var db = new TestDatabase();
        await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "import", Samples.Folder, "--db", db.Path);
        var file = Path.Combine(Path.GetDirectoryName(db.Path)!, "report.png");

        var result = await Cli.RunAsync(Clocks.At("2026-11-23T10:00:00Z"), null, "report", "--db", db.Path, "--as-of", "2026-11-23", "--png", file);

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith($"Chart: {file}\n", result.Out.ReplaceLineEndings("\n"));
        await using var ledger = db.Open();
        Assert.Equal(ChartPicture.Png(await AgingChart.RunAsync(ledger, new DateOnly(2026, 11, 23), default)), await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task Teams_shows_the_picture_from_the_Bots_signed_address_which_expires_and_cannot_be_forged()
    {
        await using var teams = await FakeBotConnector.StartAsync();
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "K-1", 40, 2500m);
        var options = Options.Create(new TeamsOptions { AppId = FakeBotFrameworkKeys.AppId, AppPassword = "app-password", TokenEndpoint = teams.TokenUrl });
        var connector = new BotConnectorClient(new HttpClient(), new BotFrameworkTokens(new HttpClient(), options, _h.Clock), TimeProvider.System);
        var conversations = new TeamsConversations(_h.Db.Factory, _h.Clock);
        await conversations.RememberAsync(new ConversationFacts("19:ar@thread.tacv2", teams.BaseUrl, "tenant-1", "28:chasebot", "29:someone", null, "channel"), default);
        var platform = new TeamsPlatform(connector, conversations, TimeProvider.System, NullLogger<TeamsPlatform>.Instance, charts: _h.Get<ChartLinks>());
        await using var bot = await BotHost.StartAsync(_h.Db, _h.Clock, new Dictionary<string, string?> { ["Bot:PublicUrl"] = PublicUrl });
        using var browser = bot.CreateClient();

        await using (var db = _h.Db.Open())
        {
            var chart = await ChannelDigest.DrawAsync(db, new DateOnly(2026, 11, 23), _h.Clock.GetUtcNow(), default);
            await db.SaveChangesAsync();
            OutboxQueue.Add(db, OutboxKey.Digest("test", "teams:19:ar@thread.tacv2"), OutboxKinds.Digest, "teams:19:ar@thread.tacv2", new ChatMessage
            {
                Title = "Accounts receivable digest, Monday 23 November 2026", Lines = ["USD: 2,500.00 owed, 2,500.00 overdue (100%)"],
                Picture = new ChatPicture(chart.Id, chart.AltText, "receivables-2026-11-23.png", "Receivables"),
            }, _h.Clock.GetUtcNow().UtcDateTime, _h.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }
        Assert.Equal(1, (await new OutboxDrainer(_h.Db.Factory, platform, _h.Clock).DrainAsync()).Delivered);

        var card = Assert.Single(teams.Calls).Body["attachments"]![0]!["content"]!.AsObject();
        var image = card["body"]![1]!;
        Assert.Equal("Image", image["type"]!.GetValue<string>());
        var url = new Uri(image["url"]!.GetValue<string>());
        Assert.StartsWith(PublicUrl + "/charts/", url.AbsoluteUri);
        Assert.Contains("USD: not yet due 0.00, 1-30 days 0.00, 31-60 2,500.00", image["altText"]!.GetValue<string>());
        var (exitCode, output) = await AdaptiveCardSchemaTests.CheckAsync(new JsonObject { ["digest"] = card.DeepClone() });
        Assert.True(exitCode == 0, output);

        // The Bot serves the very bytes the ledger keeps, to whoever holds the signed address.
        await using (var db = _h.Db.Open())
        {
            var served = await browser.GetAsync(url.PathAndQuery);
            Assert.Equal(System.Net.HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
            Assert.Equal((await db.DigestCharts.SingleAsync()).Png, await served.Content.ReadAsByteArrayAsync());
        }
        // An address altered by one character, a guessed one, or one past its month: nothing.
        var token = url.AbsolutePath["/charts/".Length..^".png".Length];
        var altered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await browser.GetAsync($"/charts/{altered}.png")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await browser.GetAsync("/charts/1.png")).StatusCode);
        _h.Clock.Advance(ChartLinks.Lifetime + TimeSpan.FromMinutes(1));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await browser.GetAsync(url.PathAndQuery)).StatusCode);
    }
}
