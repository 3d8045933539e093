namespace ChaseBot.Core.Exports.Parsing;

/// <summary>
/// Which of '.' and ',' a file writes before its amounts' decimals, decided by the file's own amounts as its rows are
/// read, like <see cref="FileDateOrder"/> decides its dates:
/// <list type="bullet">
/// <item>"1,234.56", "12.50", "1,000,000" show a decimal point; "1.234,56", "12,50", "1.000.000" a decimal comma. The
/// first such amount decides for the file.</item>
/// <item>"1.500" or "1,500" (one separator, three digits after it) could be either: met before anything decided, the
/// file is read ahead for an amount that decides; when none does, the row is rejected as ambiguous, never stored as
/// 1.50 or 1,500 by a guess.</item>
/// <item>An amount written the other way from the file's decision rejects its row, naming the amount that decided.</item>
/// </list>
/// </summary>
public sealed class FileDecimalMark(Func<(int Line, string Text, DecimalMark Mark)?> firstDecidingAmount)
{
    private (int Line, string Text, DecimalMark Mark)? _decidedBy;
    private bool _lookedAhead;

    public DecimalMark Mark => _decidedBy?.Mark ?? DecimalMark.Unknown;

    /// <summary>Reads an amount cell; false with why (to follow the amount in a sentence) when it is not one, or is ambiguous.</summary>
    public bool TryRead(int line, string text, out decimal amount, out string? hint, out string? why)
    {
        why = null;
        var evidence = Money.Observe(text);
        if (_decidedBy is null)
        {
            if (evidence is MarkEvidence.Point or MarkEvidence.Comma)
                _decidedBy = (line, text, evidence == MarkEvidence.Point ? DecimalMark.Point : DecimalMark.Comma);
            else if (evidence == MarkEvidence.Either && !_lookedAhead)
            {
                _lookedAhead = true;
                _decidedBy = firstDecidingAmount();
            }
        }
        if (evidence == MarkEvidence.Either && _decidedBy is null)
        {
            Money.TryParse(text, out var point, out hint, DecimalMark.Point);
            Money.TryParse(text, out var comma, out _, DecimalMark.Comma);
            amount = 0;
            why = $"could be {Money.Format(point)} or {Money.Format(comma)}: no amount in the file shows whether '.' or ',' marks its decimals";
            return false;
        }
        if (Money.TryParse(text, out amount, out hint, Mark))
            return true;
        if (_decidedBy is { } decided && evidence is MarkEvidence.Point or MarkEvidence.Comma &&
            (evidence == MarkEvidence.Point ? DecimalMark.Point : DecimalMark.Comma) != decided.Mark)
            why = $"is written with a decimal {(evidence == MarkEvidence.Point ? "point" : "comma")}, but the file writes its decimals " +
                  $"with a {(decided.Mark == DecimalMark.Point ? "point" : "comma")} (line {decided.Line}: {decided.Text})";
        return false;
    }
}
