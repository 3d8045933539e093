#!/usr/bin/env bash
# Kills aimed at start-up, by hand as issue 19 reproduced them: run-once on a fresh ledger, SIGKILL after a random
# 0.3-1.2 s, then run-once again; a restart that has not exited within 60 s is a hang. Prints the kills, the hangs and
# how many kills left a migration lock behind. WORKER=<folder with ChaseBot.Worker.dll> measures another build (an
# older one, say) the same way, side by side.
#   bash bench/crash-soak/migration-kills.sh sqlite      # KILLS=40 by default
#   bash bench/crash-soak/migration-kills.sh postgres    # starts a throwaway PostgreSQL (tests/postgres/start.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
provider="${1:-sqlite}"; kills="${KILLS:-40}"
work="$(mktemp -d)"
trap 'rm -rf "$work"; [ -n "${pg:-}" ] && bash "$root/tests/postgres/stop.sh" 55439 >/dev/null 2>&1 || true' EXIT
worker="${WORKER:-}"
if [ -z "$worker" ]; then
  dotnet publish "$root/src/Worker" -c Release -o "$work/worker" --nologo -v q >/dev/null
  worker="$work/worker"
fi
export Exports__Folder="$root/samples/exports" Logging__LogLevel__Default=Warning
if [ "$provider" = postgres ]; then
  pg="$(PGPORT_TEST=55439 bash "$root/tests/postgres/start.sh")"
  export Database__Provider=Postgres
fi

hangs=0; stale=0; slowest=0
for i in $(seq 1 "$kills"); do
  if [ "$provider" = postgres ]; then
    psql -q "host=127.0.0.1 port=55439 user=chasebot dbname=postgres" -c "CREATE DATABASE soak_$i" >/dev/null
    export ConnectionStrings__Chase="${pg/Database=postgres/Database=soak_$i}"
  else
    export ConnectionStrings__Chase="Data Source=$work/ledger-$i.db"
  fi
  delay="$(awk -v seed="$i" 'BEGIN { srand(seed * 7919); printf "%.2f", 0.3 + rand() * 0.9 }')"
  dotnet "$worker/ChaseBot.Worker.dll" run-once >/dev/null 2>&1 &
  doomed=$!
  sleep "$delay"
  kill -9 "$doomed" 2>/dev/null || true
  wait "$doomed" 2>/dev/null || true
  if [ "$provider" = sqlite ] && [ -f "$work/ledger-$i.db" ] &&
     [ "$(sqlite3 "$work/ledger-$i.db" "SELECT COUNT(*) FROM sqlite_master WHERE name = '__EFMigrationsLock'" 2>/dev/null)" = 1 ] &&
     [ "$(sqlite3 "$work/ledger-$i.db" 'SELECT COUNT(*) FROM "__EFMigrationsLock"' 2>/dev/null)" != 0 ]; then
    stale=$((stale + 1))
  fi
  began=$(date +%s%N)
  code=0
  timeout 60 dotnet "$worker/ChaseBot.Worker.dll" run-once >"$work/rerun.txt" 2>&1 || code=$?
  if [ "$code" = 124 ]; then hangs=$((hangs + 1)); echo "kill $i after $delay s: the restart hung (nothing for 60 s)";
  elif [ "$code" != 0 ]; then echo "kill $i after $delay s: the restart exited $code: $(tail -1 "$work/rerun.txt")"; fi
  took=$(( ($(date +%s%N) - began) / 1000000 )); [ "$took" -gt "$slowest" ] && slowest=$took
done
left=""; [ "$provider" = sqlite ] && left="$stale left EF Core's migration lock row behind; "
echo "$provider: $kills kills at 0.3-1.2 s; $left$hangs restarts hung; slowest restart ${slowest} ms"
