#!/usr/bin/env bash
# Peak memory (max RSS) of `ChaseBot.Worker import` for Xero exports of 3,000, 30,000 and 300,000 rows,
# each into an empty SQLite database, with the published Release build. Run from the repository root:
#   bash bench/import-memory/run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

bash "$root/bench/publish.sh" "$root/src/Worker" "$work/worker"
dotnet build "$root/bench/ExportGenerator" -c Release -o "$work/gen" --nologo -v q >/dev/null

printf '%-9s %-9s %-10s %-10s %s\n' rows invoices "size MB" "peak MB" seconds
for rows in ${ROWS:-3000 30000 300000}; do
  csv="$work/xero-$rows.csv"
  dotnet "$work/gen/ExportGenerator.dll" "$rows" "$csv"
  rm -f "$work/ledger.db"*
  /usr/bin/time -f '%M %e' -o "$work/time" dotnet "$work/worker/ChaseBot.Worker.dll" import "$csv" --db "$work/ledger.db" --json >"$work/out.json"
  read -r peak_kb seconds <"$work/time"
  invoices=$(grep -o '"invoices":[0-9]*' "$work/out.json" | cut -d: -f2)
  printf '%-9s %-9s %-10s %-10s %s\n' "$rows" "$invoices" "$(du -m "$csv" | cut -f1)" "$((peak_kb / 1024))" "$seconds"
done

# The same largest import with the managed heap capped at 16 MiB: it only completes if the import's
# working set really is bounded (the uncapped peak above includes heap the GC keeps because it may).
rm -f "$work/ledger.db"*
if DOTNET_GCHeapHardLimit=0x1000000 /usr/bin/time -f '%M %e' -o "$work/time" \
    dotnet "$work/worker/ChaseBot.Worker.dll" import "$csv" --db "$work/ledger.db" --json >"$work/out.json"; then
  read -r peak_kb seconds <"$work/time"
  echo "$rows rows with a 16 MiB managed-heap limit: imported, peak $((peak_kb / 1024)) MB, ${seconds} s"
else
  echo "$rows rows with a 16 MiB managed-heap limit: FAILED (memory grows with the file)"
  exit 1
fi
