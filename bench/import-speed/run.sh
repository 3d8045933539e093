#!/usr/bin/env bash
# Import speed against the physical reference, side by side in one run: the sqlite3 shell's `.import` of the same
# CSV into a plain table, ChaseBot's first import into an empty database, and a re-import of the same export with
# 1% of invoices paid since. Peak memory (max RSS) of each ChaseBot import too. Release build, SQLite.
#   bash bench/import-speed/run.sh            # Xero, 30,000 and 300,000 rows
#   ROWS="300000" FORMAT=quickbooks bash bench/import-speed/run.sh
# Needs: sqlite3 and time (apt-get install sqlite3 time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for tool in sqlite3 /usr/bin/time; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install sqlite3 time)" >&2; exit 1; }; done
format="${FORMAT:-xero}"

bash "$root/bench/publish.sh" "$root/src/Worker" "$work/worker"
dotnet build "$root/bench/ExportGenerator" -c Release -o "$work/gen" --nologo -v q >/dev/null
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
# The import's own duration, from its run record: what the Worker service pays (it has already started).
inside() { sqlite3 "$work/ledger.db" "SELECT printf('%.2f', (julianday(FinishedAt) - julianday(StartedAt)) * 86400) FROM ImportRuns ORDER BY Id DESC LIMIT 1"; }
timed() { /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }; read -r seconds peak_kb <"$work/time"; }

echo "$format export; $(nproc) cores; sqlite3 $(sqlite3 --version | cut -d' ' -f1); $(date -u +%Y-%m-%d)"
echo "Each import: process wall time (ratio to sqlite3), the import itself as the Worker service runs it (ratio), peak RSS."
printf '%-8s %-9s %-7s | %-10s | %-36s | %-36s\n' rows invoices MB "sqlite3 s" "first import" "re-import, 1% changed"
for rows in ${ROWS:-30000 300000}; do
  csv="$work/$format-$rows.csv"; changed="$work/$format-$rows-changed.csv"
  dotnet "$work/gen/ExportGenerator.dll" "$rows" "$csv" --format "$format"
  dotnet "$work/gen/ExportGenerator.dll" "$rows" "$changed" --format "$format" --changed 1

  rm -f "$work/reference.db"
  timed sqlite3 "$work/reference.db" ".import --csv $csv export"
  reference=$seconds

  rm -f "$work/ledger.db"*
  timed dotnet "$work/worker/ChaseBot.Worker.dll" import "$csv" --db "$work/ledger.db" --json
  first=$seconds; first_peak=$((peak_kb / 1024)); first_inside=$(inside)
  invoices=$(grep -o '"invoices":[0-9]*' "$work/out" | cut -d: -f2)

  timed dotnet "$work/worker/ChaseBot.Worker.dll" import "$changed" --db "$work/ledger.db" --json
  again=$seconds; again_peak=$((peak_kb / 1024)); again_inside=$(inside)
  updated=$(grep -o '"updated":[0-9]*' "$work/out" | cut -d: -f2)

  printf '%-8s %-9s %-7s | %-10s | %-36s | %-36s\n' "$rows" "$invoices" "$(du -m "$csv" | cut -f1)" "$reference" \
    "${first} s ($(ratio "$first" "$reference")x), ${first_inside} s ($(ratio "$first_inside" "$reference")x), ${first_peak} MB" \
    "${again} s ($(ratio "$again" "$reference")x), ${again_inside} s ($(ratio "$again_inside" "$reference")x), ${again_peak} MB"
done
