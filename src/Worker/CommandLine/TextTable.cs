using System.Text;

namespace ChaseBot.Worker.CommandLine;

/// <summary>Aligned columns for the terminal. A header starting with '>' is right-aligned (amounts, counts).</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>A row; text from exports is shown with its control characters escaped, so nothing printed acts on the terminal.</summary>
    public void Add(params string[] cells) => _rows.Add([.. cells.Select(Core.Text.Printable.Of)]);

    public override string ToString()
    {
        var right = headers.Select(h => h.StartsWith('>')).ToArray();
        var names = headers.Select(h => h.TrimStart('>')).ToArray();
        var widths = names.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ",
            cells.Select((c, i) => right[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
        Line(names);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _rows)
            Line(row);
        return text.ToString();
    }
}
