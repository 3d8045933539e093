#!/usr/bin/env bash
# What CI can prove of the image without a Docker engine: the Dockerfile's own restore and publish commands work, and
# the published Bot and Worker start and answer /healthz and /readyz. Also lints the Dockerfile.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$root"

# The Dockerfile's build stage, command for command (TARGETARCH as Docker would set it on this machine).
TARGETARCH="$(case "$(uname -m)" in aarch64|arm64) echo arm64 ;; *) echo amd64 ;; esac)"
rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)"
dotnet restore src/Bot/ChaseBot.Bot.csproj -r "$rid" >/dev/null
dotnet restore src/Worker/ChaseBot.Worker.csproj -r "$rid" >/dev/null
dotnet publish src/Bot/ChaseBot.Bot.csproj -c Release -r "$rid" --no-restore -o "$work/app/bot" >/dev/null
dotnet publish src/Worker/ChaseBot.Worker.csproj -c Release -r "$rid" --no-restore -o "$work/app/worker" >/dev/null

# Boot both, as the entrypoint would, on loopback with SQLite in a scratch /data.
mkdir -p "$work/data/exports"
export ConnectionStrings__Chase="Data Source=$work/data/chasebot.db" Exports__Folder="$work/data/exports"
ASPNETCORE_URLS=http://127.0.0.1:18080 dotnet "$work/app/bot/ChaseBot.Bot.dll" >"$work/bot.log" 2>&1 & pids+=($!)
Worker__HealthUrls=http://127.0.0.1:18081 dotnet "$work/app/worker/ChaseBot.Worker.dll" >"$work/worker.log" 2>&1 & pids+=($!)
check() {
  for _ in $(seq 1 60); do
    if [ "$(curl -fsS "$1" 2>/dev/null || true)" = "$2" ]; then echo "ok: $1 → $2"; return 0; fi
    sleep 1
  done
  echo "FAILED: $1 did not answer '$2'" >&2; cat "$work/bot.log" "$work/worker.log" >&2; return 1
}
check http://127.0.0.1:18080/healthz ok
check http://127.0.0.1:18080/readyz ready
check http://127.0.0.1:18081/healthz ok
check http://127.0.0.1:18081/readyz ready

# The published Worker draws the digest's chart: Skia's native library and the font are found outside the build tree.
dotnet "$work/app/worker/ChaseBot.Worker.dll" import "$root/samples/exports" --db "$work/chart.db" >/dev/null
dotnet "$work/app/worker/ChaseBot.Worker.dll" report --db "$work/chart.db" --png "$work/chart.png" | grep -q "^Chart: $work/chart.png"
[ "$(head -c 8 "$work/chart.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && [ "$(stat -c %s "$work/chart.png")" -gt 10000 ] \
  || { echo "FAILED: the published Worker drew no chart" >&2; exit 1; }
echo "ok: the published Worker drew the chart ($(stat -c %s "$work/chart.png") bytes)"

# Lint the Dockerfile (npm dockerfilelint, installed in a scratch folder).
npm install --silent --no-audit --no-fund --prefix "$work/lint" dockerfilelint@1 >/dev/null 2>&1
"$work/lint/node_modules/.bin/dockerfilelint" Dockerfile
echo "publish-check: published, booted and answered; Dockerfile lint clean"
