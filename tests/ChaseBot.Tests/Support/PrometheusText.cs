using System.Globalization;
using System.Text.RegularExpressions;

namespace ChaseBot.Tests.Support;

/// <summary>Reads series out of a /metrics scrape (Prometheus' text format).</summary>
public static partial class PrometheusText
{
    /// <summary>The value of the first series of <paramref name="metric"/> whose labels hold all of <paramref name="labels"/>; null when none.</summary>
    public static double? Value(string scrape, string metric, params string[] labels) =>
        Values(scrape, metric, labels).Select(v => (double?)v).FirstOrDefault();

    /// <summary>Every series' value of <paramref name="metric"/> whose labels hold all of <paramref name="labels"/>.</summary>
    public static List<double> Values(string scrape, string metric, params string[] labels) =>
        scrape.Split('\n').Select(l => Series().Match(l)).Where(m => m.Success && m.Groups["name"].Value == metric)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)")]
    private static partial Regex Series();
}
