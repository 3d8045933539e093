namespace ChaseBot.Core.Exports;

/// <summary>Where each field's column is, once a header row has been recognised.</summary>
public sealed class ExportHeader
{
    private readonly Dictionary<ExportField, int> _columns;

    private ExportHeader(ExportFormat format, Dictionary<ExportField, int> columns)
    {
        Format = format;
        _columns = columns;
    }

    public ExportFormat Format { get; }
    public int FieldCount => _columns.Count;

    /// <summary>A data row with fewer cells than this was cut short: its missing cells are unknown, not empty.</summary>
    public int CellsNeeded => _columns.Values.Max() + 1;
    public bool Has(ExportField field) => _columns.ContainsKey(field);
    public int? ColumnOf(ExportField field) => _columns.TryGetValue(field, out var i) ? i : null;

    public string? Get(string[] row, ExportField field)
    {
        if (!_columns.TryGetValue(field, out var index) || index >= row.Length)
            return null;
        var value = row[index].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Header and alias spelling folded the same way: case, spacing, BOM and punctuation noise.</summary>
    public static string Normalize(string cell) =>
        string.Join(' ', cell.Trim().Trim('\uFEFF', '"').ToLowerInvariant()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Tries to read <paramref name="cells"/> as <paramref name="format"/>'s header row.</summary>
    public static ExportHeader? TryMatch(ExportFormat format, string[] cells)
    {
        var normalized = cells.Select(Normalize).ToArray();
        var columns = new Dictionary<ExportField, int>();
        foreach (var (field, aliases) in format.Aliases)
        {
            foreach (var alias in aliases)
            {
                var index = Array.IndexOf(normalized, Normalize(alias));
                if (index >= 0)
                {
                    columns[field] = index;
                    break;
                }
            }
        }
        if (!format.Required.All(columns.ContainsKey))
            return null;
        if (!format.RequiredOneOf.All(group => group.Any(columns.ContainsKey)))
            return null;
        if (format.MustNotHave.Any(columns.ContainsKey))
            return null;
        return new ExportHeader(format, columns);
    }
}
