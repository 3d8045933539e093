using System.Diagnostics;

namespace ChaseBot.Core.Telemetry;

/// <summary>
/// The trace source: a span for each import (a file, or a sync of connected books), each chase run and each outbox drain,
/// exported by OTLP when OpenTelemetry:Endpoint is set. Tags carry counts and outcomes, never a client's name.
/// </summary>
public static class ChaseTraces
{
    public const string SourceName = "ChaseBot";
    public static readonly ActivitySource Source = new(SourceName);
}
