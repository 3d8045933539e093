namespace ChaseBot.Core.Exports;

/// <summary>Where each field's column is, once a header row has been recognised.</summary>
public sealed class ExportHeader
{
    private readonly Dictionary<ExportField, int> _columns;

    /// <summary>The column of each field by the field's number, -1 when absent: read for every cell of every row.</summary>
    private readonly int[] _columnOf;

    private ExportHeader(ExportFormat format, Dictionary<ExportField, int> columns, IReadOnlyList<string>? duplicates = null)
    {
        Format = format;
        Duplicates = duplicates ?? [];
        _columns = columns;
        _columnOf = new int[Enum.GetValues<ExportField>().Max(f => (int)f) + 1];
        Array.Fill(_columnOf, -1);
        foreach (var (field, column) in columns)
            _columnOf[(int)field] = column;
        CellsNeeded = columns.Values.Max() + 1;
    }

    public ExportFormat Format { get; }

    /// <summary>Columns ChaseBot reads whose name the header gives twice ("'Total' (columns 6 and 9)"): which to read is a guess.</summary>
    public IReadOnlyList<string> Duplicates { get; }
    public int FieldCount => _columns.Count;

    /// <summary>A data row with fewer cells than this was cut short: its missing cells are unknown, not empty.</summary>
    public int CellsNeeded { get; }
    public bool Has(ExportField field) => _columnOf[(int)field] >= 0;

    /// <summary>Which column holds which field, as text ("0:Client 5:Number …"): two files laid out alike read alike.</summary>
    public string Layout => string.Join(' ', _columns.OrderBy(c => c.Value).Select(c => $"{c.Value}:{c.Key}"));

    /// <summary>The column of <paramref name="field"/>, or -1.</summary>
    public int ColumnOf(ExportField field) => _columnOf[(int)field];

    public string? Get(string[] row, ExportField field)
    {
        var index = _columnOf[(int)field];
        return index < 0 || index >= row.Length ? null : Cleaned(row[index]);
    }

    /// <summary>A cell as a field's value: trimmed, null when empty.</summary>
    internal static string? Cleaned(string cell)
    {
        var value = cell.Trim();
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
        var duplicates = columns.Values.Where(i => Array.LastIndexOf(normalized, normalized[i]) != i)
            .Select(i => $"'{cells[i].Trim()}' (columns {i + 1} and {Array.LastIndexOf(normalized, normalized[i]) + 1})").ToList();
        return new ExportHeader(format, columns, duplicates);
    }
}
