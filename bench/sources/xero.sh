#!/usr/bin/env bash
# A first sync of 10,000 invoices from a Xero stand-in on 127.0.0.1 that holds ChaseBot to Xero's limits (60 calls over
# any rolling minute, 5 at once, 429 past them), then signed Xero webhooks timed to the proposal found withdrawn.
# Release build, SQLite. Takes about three minutes: Xero's minute is a real minute.
#   bash bench/sources/xero.sh [invoices=10000] [webhooks=25]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/bench/SourcesBench" -c Release -o "$work/bench" --nologo -v q >/dev/null
echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
dotnet "$work/bench/SourcesBench.dll" xero "${1:-10000}" "${2:-25}"
