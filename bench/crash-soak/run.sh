#!/usr/bin/env bash
# The crash soak: the Worker SIGKILLed ITERATIONS times (default 1,000) at random points of run-once, then run again to
# the end. Half the kills are aimed at start-up and migration of an empty SQLite ledger; half are drawn over the whole of
# a run on a migrated ledger where ChaseBot was added to six Teams channels and a third of the clients post there. Every
# rerun must finish (a rerun silent for 120 s is a hang and fails the soak), end with the same ledger, chase and outbox as
# an uninterrupted run, and post nothing twice to Slack (a post in flight at the kill is found in the channel's history
# by the outbox key in its metadata). Reminders also go by email to a real SMTP server on 127.0.0.1. An email or a Teams
# card in flight at the kill may arrive twice (docs/guarantees.md §2), at most as many as were in flight. Prints where
# the kills landed and, per platform, what arrived twice.
# The Worker is the one the image ships: published ReadyToRun for this machine. LANES kills run side by side, each with
# its own database and fakes (3: the 2-core machine otherwise idles through each kill's waits). Outside the normal test
# time: about 5.5 s a kill with 3 lanes on the 2-core machine (400 kills: 2,162 s), 90 minutes for 1,000.
#   bash bench/crash-soak/run.sh            # ITERATIONS=40 ROWS=600 LANES=1 for a shorter one
#   PROGRESS=/tmp/kills.txt bash bench/crash-soak/run.sh   # each kill's outcome added to a file as it ends
#   LOG=/tmp/soak.log bash bench/crash-soak/run.sh          # keeps the whole test log
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
iterations="${ITERATIONS:-1000}"; rows="${ROWS:-300}"; lanes="${LANES:-3}"
log="${LOG:-$(mktemp)}"; worker="$(mktemp -d)"
trap '[ -n "${LOG:-}" ] || rm -f "$log"; rm -rf "$worker"' EXIT
dotnet build "$root/tests/ChaseBot.Tests" -c Debug --nologo -v q >/dev/null
rid="linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
dotnet publish "$root/src/Worker" -c Release -r "$rid" --self-contained false -o "$worker" --nologo -v q >/dev/null
started=$(date +%s)
set +e
CHASEBOT_TEST_WORKER="$worker/ChaseBot.Worker.dll" CHASEBOT_CRASH_ITERATIONS="$iterations" CHASEBOT_CRASH_ROWS="$rows" \
  CHASEBOT_CRASH_LANES="$lanes" CHASEBOT_CRASH_PROGRESS="${PROGRESS:-}" dotnet test "$root/tests/ChaseBot.Tests" --no-build \
  --filter "FullyQualifiedName~CrashTests" --logger "console;verbosity=detailed" >"$log" 2>&1
status=$?
set -e
grep -E "reference run|side by side:|kills:|hung|exit [0-9]" -A2 "$log" | sed 's/^ *//' || true
grep -E "Error Message" -A12 "$log" | sed 's/^ *//' || true
echo "soak: $iterations kills in $lanes lanes, export of $rows rows, $(( $(date +%s) - started )) s, $( [ $status -eq 0 ] && echo passed || echo FAILED )"
exit $status
