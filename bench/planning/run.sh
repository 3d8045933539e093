#!/usr/bin/env bash
# Planning speed: deciding the day's chase for 10,000 / 100,000 / 1,000,000 open invoices (clients = invoices / 20)
# from a SQLite database, in process (the Worker's chase job), Release build.
#   bash bench/planning/run.sh [invoices...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/bench/PlanningBench" -c Release -o "$work/bench" --nologo -v q >/dev/null
dotnet "$work/bench/PlanningBench.dll" "$@"
