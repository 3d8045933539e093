#!/usr/bin/env bash
# The crash soak: the Worker SIGKILLed ITERATIONS times (default 1,000) at random points of run-once, on a fresh SQLite
# ledger each time, half the kills aimed at start-up and migration and half drawn over the whole run, then run again to
# the end. Every rerun must finish (a rerun silent for 120 s is a hang and fails the soak), end with the same ledger,
# chase and outbox as an uninterrupted run, and post nothing twice to Slack (a post in flight at the kill is found in the
# channel's history by the outbox key in its metadata). Reminders also go by email to a real SMTP server on 127.0.0.1:
# an email in flight at the kill may arrive twice with its one Message-ID (docs/guarantees.md §2), at most as many as
# were in flight. Prints where the kills landed and, per platform, what arrived twice. Outside the normal test time: about 75
# minutes for 1,000 kills on the 2-core machine.
#   bash bench/crash-soak/run.sh            # ITERATIONS=40 ROWS=600 for a shorter one
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
iterations="${ITERATIONS:-1000}"; rows="${ROWS:-300}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build "$root/tests/ChaseBot.Tests" -c Debug --nologo -v q >/dev/null
started=$(date +%s)
set +e
CHASEBOT_CRASH_ITERATIONS="$iterations" CHASEBOT_CRASH_ROWS="$rows" dotnet test "$root/tests/ChaseBot.Tests" --no-build \
  --filter "FullyQualifiedName~CrashTests" --logger "console;verbosity=detailed" >"$log" 2>&1
status=$?
set -e
grep -E "reference run|kills:|Error Message|hung|exit [0-9]" -A2 "$log" | sed 's/^ *//' || true
echo "soak: $iterations kills, export of $rows rows, $(( $(date +%s) - started )) s, $( [ $status -eq 0 ] && echo passed || echo FAILED )"
exit $status
