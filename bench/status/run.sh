#!/usr/bin/env bash
# /chase status through the real Slack endpoint (signature checked, replays refused) on a 100,000-invoice SQLite
# ledger, while the Worker keeps importing: wrk's throughput and latency, side by side with the Bot's own /healthz
# as the ceiling. Published Release builds.
#   bash bench/status/run.sh
#   MEMORY_LIMIT=256 bash bench/status/run.sh   # the Bot inside a memory cgroup of 256 MiB (v2 or v1; as root), as in the chart
#   PROFILE=status bash bench/status/run.sh     # also samples the Bot for 10 s of that phase (healthz, status, client,
#                                               # clients) with dotnet-trace and prints where its CPU time went
#                                               # (the sampling slows that phase: its figures are not the table's)
#   PERF=clients bash bench/status/run.sh       # the same with perf (CPU only, the runtime's perf map naming JIT
#                                               # frames): where the CPU went, waits not counted (needs perf, as root)
# Needs: wrk, python3, sqlite3 (apt-get install wrk python3 sqlite3).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/status"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
for tool in wrk python3 sqlite3; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk python3 sqlite3)" >&2; exit 1; }; done
duration="${DURATION:-15}"; connections="${CONNECTIONS:-16}"; secret="bench-signing-secret-0123456789"

bash "$root/bench/publish.sh" "$root/src/Bot" "$work/bot"
bash "$root/bench/publish.sh" "$root/src/Worker" "$work/worker"
dotnet build "$root/bench/ExportGenerator" -c Release -o "$work/gen" --nologo -v q >/dev/null
dotnet "$work/gen/ExportGenerator.dll" 300000 "$work/a.csv"
dotnet "$work/gen/ExportGenerator.dll" 300000 "$work/b.csv" --changed 1
dotnet "$work/worker/ChaseBot.Worker.dll" import "$work/a.csv" --db "$work/ledger.db" >/dev/null

# With MEMORY_LIMIT (MiB), the Bot runs in a memory cgroup of that size with no swap, as a pod under the chart's limit:
# a shell joins the group, then becomes the Bot, so .NET reads the limit at start-up and every page is charged there.
group=""
if [ -n "${MEMORY_LIMIT:-}" ]; then
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    group=/sys/fs/cgroup/chasebot-bench-$$; mkdir "$group"
    echo $(( MEMORY_LIMIT << 20 )) >"$group/memory.max"; [ ! -f "$group/memory.swap.max" ] || echo 0 >"$group/memory.swap.max"
  else
    group=/sys/fs/cgroup/memory/chasebot-bench-$$; mkdir "$group"
    echo $(( MEMORY_LIMIT << 20 )) >"$group/memory.limit_in_bytes"
    [ ! -f "$group/memory.memsw.limit_in_bytes" ] || echo $(( MEMORY_LIMIT << 20 )) >"$group/memory.memsw.limit_in_bytes"
  fi
  trap 'for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; rm -rf "$work"; sleep 1; rmdir "$group" 2>/dev/null || true' EXIT
fi
export ConnectionStrings__Chase="Data Source=$work/ledger.db" Logging__LogLevel__Default=Warning
[ -z "${PERF:-}" ] || export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 # JIT frames named in /tmp/perf-<pid>.map
Slack__SigningSecret="$secret" Slack__BotToken=xoxb-bench Slack__ResponseUrlPrefix=http://127.0.0.1:9/ \
  sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$group" \
  dotnet "$work/bot/ChaseBot.Bot.dll" --urls http://127.0.0.1:18280 >"$work/bot.log" 2>&1 &
pids+=($!)
until curl -fs http://127.0.0.1:18280/healthz >/dev/null 2>&1; do sleep 0.1; done

# The Worker importing all the while: the 1%-changed export and the original, in turn (each a real re-import).
# NO_IMPORT=1 leaves it out, to see what the import costs.
[ -n "${NO_IMPORT:-}" ] || ( while true; do
    for f in b a; do cp "$work/$f.csv" "$work/import.csv" 2>/dev/null || exit 0; echo "x,$RANDOM" >>"$work/import.csv"
      dotnet "$work/worker/ChaseBot.Worker.dll" import "$work/import.csv" --db "$work/ledger.db" >/dev/null 2>&1 || true; done
  done ) &
[ -n "${NO_IMPORT:-}" ] || pids+=($!)
sleep 3

client="$(sqlite3 "$work/ledger.db" "SELECT Name FROM Clients ORDER BY Id LIMIT 1 OFFSET 42" 2>/dev/null || echo "Client 00042 Ltd")"
# One signed request per request wrk sends (a repeat is refused as a replay and shows as non-2xx): RATE a second.
rate="${RATE:-30000}"; count=$(( duration * rate ))
python3 "$here/sign.py" "$secret" "$count" "status" "$work/status.txt"
python3 "$here/sign.py" "$secret" "$count" "status $client" "$work/client.txt"
# Every client in turn: answers cannot be served again (1,000 are kept), so this is what a status costs to compute.
sqlite3 "$work/ledger.db" "SELECT Name FROM Clients ORDER BY random()" >"$work/names.txt"
python3 "$here/sign.py" "$secret" "$count" "status {}" "$work/clients.txt" "$work/names.txt"

# Warm-up, not measured: the JIT, EF's compiled queries, and the first whole-ledger summary (computed once, then
# served per ledger version) would otherwise be the p99 of the first run (measured: 594 ms cold, 19 ms warm).
python3 "$here/sign.py" "$secret" $(( 3 * rate )) "status" "$work/warm.txt"
python3 "$here/sign.py" "$secret" $(( 3 * rate )) "status $client" "$work/warm-client.txt"
wrk -t2 -c"$connections" -d3s -s "$here/signed.lua" http://127.0.0.1:18280 -- "$work/warm.txt" 2 >/dev/null
wrk -t2 -c"$connections" -d3s -s "$here/signed.lua" http://127.0.0.1:18280 -- "$work/warm-client.txt" 2 >/dev/null
wrk -t2 -c"$connections" -d3s http://127.0.0.1:18280/healthz >/dev/null

echo "$(nproc) cores; $(date -u +%Y-%m-%d); wrk -t2 -c$connections -d${duration}s --latency after a 3 s warm-up; 100,000 invoices; ${NO_IMPORT:+no import}${NO_IMPORT:-an import running throughout}"
profile() { # the Bot sampled for 10 s, 3 s into the phase; its busiest methods by CPU samples (waits left out)
  command -v dotnet-trace >/dev/null || export PATH="$PATH:$HOME/.dotnet/tools"
  sleep 3
  dotnet-trace collect -p "${pids[0]}" --profile dotnet-sampled-thread-time --duration 00:00:00:10 -o "$work/$1.nettrace" >/dev/null 2>&1 || true
  echo "where the Bot's time went during '$1' (exclusive samples, waits left out):" >"$work/$1.profile"
  dotnet-trace report "$work/$1.nettrace" topN -n 40 2>/dev/null | grep -v -E "Wait|LowLevelLifoSemaphore|Sleep|Threads|Non-Activities" | head -22 >>"$work/$1.profile" || true
}
perf_profile() { # the Bot's CPU sampled by perf for 10 s, 3 s into the phase; its busiest functions, self time
  sleep 3
  perf record -F 999 -p "${pids[0]}" -o "$work/$1.perf" -- sleep 10 >/dev/null 2>&1 || true
  echo "where the Bot's CPU went during '$1' (perf, self time):" >"$work/$1.profile"
  perf report -i "$work/$1.perf" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30 >>"$work/$1.profile" || true
}
run() {
  local id=$1 label=$2; shift 2
  [ "${PROFILE:-}" != "$id" ] || profile "$id" &
  [ "${PERF:-}" != "$id" ] || perf_profile "$id" &
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" >"$work/$id.wrk"
  [ "${PROFILE:-}${PERF:-}" != "$id" ] || { wait $!; cat "$work/$id.profile"; }
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/$id.wrk")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/$id.wrk")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/$id.wrk")
  errors=$(awk '/Non-2xx/ { print $5 }' "$work/$id.wrk"); errors=${errors:-0}
  local share=""
  [ "$id" = healthz ] && ceiling=$rps || share=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN { printf "%.0f%% of /healthz", 100 * a / b }')
  printf '%-24s %10s req/s  %-18s p50 %-9s p99 %-9s non-2xx %s\n' "$label" "$rps" "$share" "$p50" "$p99" "$errors"
  [ "$errors" = 0 ] || echo "  $errors answers were not 2xx: wrk ran out of signed requests and replayed some (raise RATE), or the Bot failed" >&2
}
run healthz "/healthz (the ceiling)" http://127.0.0.1:18280/healthz
run status "/chase status" -s "$here/signed.lua" http://127.0.0.1:18280 -- "$work/status.txt" 2
run client "/chase status <client>" -s "$here/signed.lua" http://127.0.0.1:18280 -- "$work/client.txt" 2
run clients "status <each client>" -s "$here/signed.lua" http://127.0.0.1:18280 -- "$work/clients.txt" 2
# Memory: the index of every client's invoices is held only while the Bot is busy with many clients (ClientStatusIndex).
if [ -d "/proc/${pids[0]}" ]; then
  awk '/VmHWM/ { printf "the Bot'"'"'s peak memory (VmHWM): %.0f MB\n", $2 / 1024 }' "/proc/${pids[0]}/status"
else
  echo "the Bot is gone: $(tail -3 "$work/bot.log")"
fi
if [ -n "$group" ]; then
  if [ -f "$group/memory.peak" ]; then peak=$(cat "$group/memory.peak"); kills=$(awk '$1 == "oom_kill" { print $2 }' "$group/memory.events")
  else peak=$(cat "$group/memory.max_usage_in_bytes"); kills=$(awk '$1 == "oom_kill" { print $2 }' "$group/memory.oom_control"); fi
  echo "inside a ${MEMORY_LIMIT} MiB cgroup: its peak $(( peak >> 20 )) MiB (anonymous, page cache and shared together), OOM kills ${kills:-?}"
fi
