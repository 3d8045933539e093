using ScottPlot;
using SkiaSharp;

namespace ChaseBot.Core.Reports;

/// <summary>
/// Draws an <see cref="AgingChart"/> as a PNG that reads on a phone: for each currency drawn, the aging bars above the
/// overdue total week by week, one under the other (a phone is narrow and tall), with large type. Each panel is a
/// ScottPlot plot rendered onto one Skia canvas.
/// </summary>
public static class ChartPicture
{
    public const int Width = 720;
    private const int BarsHeight = 330;
    private const int TrendHeight = 270;

    public static int HeightFor(AgingChart chart) => Math.Max(1, chart.Drawn.Count) * (BarsHeight + TrendHeight);

    public static byte[] Png(AgingChart chart)
    {
        var height = HeightFor(chart);
        using var surface = SKSurface.Create(new SKImageInfo(Width, height)) ?? throw new InvalidOperationException("Skia could not make a surface");
        surface.Canvas.Clear(SKColors.White);
        var top = 0;
        if (chart.Drawn.Count == 0)
            using (var empty = Nothing(chart.AsOf))
                Draw(surface.Canvas, empty, 0, height);
        foreach (var currency in chart.Drawn)
        {
            using (var bars = Bars(currency, chart.AsOf))
                Draw(surface.Canvas, bars, top, BarsHeight);
            top += BarsHeight;
            using (var trend = Trend(currency, chart.LedgerBegan))
                Draw(surface.Canvas, trend, top, TrendHeight);
            top += TrendHeight;
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>One panel in its band: a plot fills whatever it is given, so it is clipped to its own.</summary>
    private static void Draw(SKCanvas canvas, Plot plot, int top, int height)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(0, top, Width, top + height));
        plot.Render(canvas, new PixelRect(0, Width, top + height, top));
        canvas.Restore();
    }

    private static readonly Color[] AgeColours =
        [Color.FromHex("#4C9A6A"), Color.FromHex("#E3B23C"), Color.FromHex("#E07A2E"), Color.FromHex("#C8442F"), Color.FromHex("#7A1F2B")];

    private static Plot Bars(CurrencyChart currency, DateOnly asOf)
    {
        var plot = Styled();
        var amounts = AgingChart.BucketAmounts(currency.Buckets);
        for (var b = 0; b < amounts.Length; b++)
        {
            var bar = plot.Add.Bar(new Bar { Position = b, Value = (double)amounts[b], FillColor = AgeColours[b], LineWidth = 0, Label = Short(amounts[b]) });
            bar.ValueLabelStyle.FontSize = 17;
            bar.ValueLabelStyle.Bold = true;
        }
        plot.Axes.Bottom.SetTicks([0, 1, 2, 3, 4], AgingChart.BucketNames);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 17;
        plot.Axes.Left.TickLabelStyle.FontSize = 15;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Short((decimal)v) };
        plot.Axes.Margins(bottom: 0, top: 0.2);
        plot.Title($"{currency.Currency} owed by age, {asOf:d MMM yyyy}", 20);
        return plot;
    }

    private static Plot Trend(CurrencyChart currency, DateOnly? ledgerBegan)
    {
        var plot = Styled();
        var known = currency.Weeks.Select((w, i) => (w, i)).Where(p => p.w.Overdue is not null).ToList();
        var ticks = currency.Weeks.Select((w, i) => (w, i)).Where(p => p.i % 3 == 2 || p.i == currency.Weeks.Count - 1).ToList();
        plot.Axes.Bottom.SetTicks(ticks.Select(t => (double)t.i).ToArray(), ticks.Select(t => t.w.Day.ToString("d MMM")).ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 15;
        plot.Axes.Left.TickLabelStyle.FontSize = 15;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Short((decimal)v) };
        if (known.Count > 0)
        {
            var line = plot.Add.Scatter(known.Select(k => (double)k.i).ToArray(), known.Select(k => (double)k.w.Overdue!.Value).ToArray());
            line.Color = AgeColours[3];
            line.LineWidth = 3;
            line.MarkerSize = 8;
        }
        if (currency.Weeks.Any(w => w.Overdue is null) && ledgerBegan is { } began)
        {
            var note = plot.Add.Annotation($"From {began:d MMM}, when the ledger began", Alignment.UpperLeft);
            note.LabelFontSize = 15;
            note.LabelBackgroundColor = Colors.White;
            note.LabelBorderColor = Colors.Transparent;
            note.LabelShadowColor = Colors.Transparent;
        }
        plot.Axes.SetLimitsX(-0.5, currency.Weeks.Count - 0.5);
        var highest = known.Count == 0 ? 1 : (double)known.Max(k => k.w.Overdue!.Value);
        plot.Axes.SetLimitsY(0, Math.Max(1, highest * 1.15));
        plot.Title($"{currency.Currency} overdue, week by week", 20);
        return plot;
    }

    private static Plot Nothing(DateOnly asOf)
    {
        var plot = Styled();
        plot.HideAxesAndGrid();
        plot.Title($"Nothing is owed on {asOf:d MMM yyyy}", 22);
        return plot;
    }

    private static Plot Styled()
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans"); // on every Debian image with fonts-dejavu-core; ScottPlot falls back to its default where missing
        plot.FigureBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Color.FromHex("#E6E6E6");
        plot.Axes.Right.IsVisible = false;
        plot.Axes.Top.FrameLineStyle.IsVisible = false;
        plot.Axes.Right.FrameLineStyle.IsVisible = false;
        return plot;
    }

    /// <summary>Axis and bar labels short enough for a phone: 1.2k, 34k, 1.5M.</summary>
    public static string Short(decimal amount) => amount switch
    {
        >= 1_000_000 => Trim(amount / 1_000_000m) + "M",
        >= 10_000 => Math.Round(amount / 1000m, 0, MidpointRounding.AwayFromZero) + "k",
        >= 1000 => Trim(amount / 1000m) + "k",
        _ => Math.Round(amount, 0, MidpointRounding.AwayFromZero).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Trim(decimal value) =>
        Math.Round(value, 1, MidpointRounding.AwayFromZero).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
