namespace ChaseBot.Core.Exports;

/// <summary>The file is refused whole; the message says why in words a user can act on.</summary>
public sealed class ExportRefusedException(string reason) : Exception(reason);
