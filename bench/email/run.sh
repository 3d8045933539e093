#!/usr/bin/env bash
# Email sending: 1,000 emails through the real outbox and email platform (MailKit) to smtp4dev on 127.0.0.1, from a
# fresh SQLite database, against the server's own acceptance rate measured in the same run (bare MailKit, the same
# messages, the same number of senders, connections already open).
#   bash bench/email/run.sh [emails]
# Needs the Rnwood.Smtp4dev .NET tool (installed here into a scratch folder from the package registry).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tool="${CHASEBOT_SMTP4DEV:-}"
if [ -z "$tool" ]; then
  dotnet tool install --tool-path "$work/smtp4dev" Rnwood.Smtp4dev --version 3.15.0 >/dev/null
  tool="$work/smtp4dev/smtp4dev"
fi
dotnet build "$root/bench/EmailBench" -c Release -o "$work/bench" --nologo -v q >/dev/null
echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
dotnet "$work/bench/EmailBench.dll" "$tool" "${1:-1000}"
