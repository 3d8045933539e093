#!/usr/bin/env bash
# Start-up time and idle memory of the published (Release) Bot and Worker service: time from launch until /healthz
# answers, then the resident memory after 10 s idle. SQLite with the sample exports already imported.
#   bash bench/footprint/run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }

bash "$root/bench/publish.sh" "$root/src/Bot" "$work/bot"
bash "$root/bench/publish.sh" "$root/src/Worker" "$work/worker"
dotnet "$work/worker/ChaseBot.Worker.dll" import "$root/samples/exports" --db "$work/ledger.db" >/dev/null
export ConnectionStrings__Chase="Data Source=$work/ledger.db" Exports__Folder="$root/samples/exports" Logging__LogLevel__Default=Warning

# $1 name, $2 url, then the command
measure() {
  local name=$1 url=$2; shift 2
  local start; start=$(date +%s.%N)
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  until curl -fs "$url/healthz" >/dev/null 2>&1; do sleep 0.02; kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log"; exit 1; }; done
  local up; up=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  sleep 10
  local rss; rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  local hwm; hwm=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  printf '%-8s %-14s %-16s %s\n' "$name" "${up} s" "${rss} MB" "${hwm} MB"
  kill "$pid"
}
echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
printf '%-8s %-14s %-16s %s\n' process "to /healthz" "idle RSS (10 s)" "peak RSS"
measure bot http://127.0.0.1:18180 dotnet "$work/bot/ChaseBot.Bot.dll" --urls http://127.0.0.1:18180
measure worker http://127.0.0.1:18181 env Worker__HealthUrls=http://127.0.0.1:18181 dotnet "$work/worker/ChaseBot.Worker.dll"
