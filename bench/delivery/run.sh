#!/usr/bin/env bash
# Delivery speed: 5,000 messages over 500 channels through the real outbox and Slack client, to a Slack stand-in on
# 127.0.0.1 that allows one post per channel per second (429 with Retry-After otherwise), on SQLite. Compares the
# total time with the theoretical minimum for that limit, and counts lost messages, duplicates and 429s.
#   bash bench/delivery/run.sh [messages] [channels] [parallel channels]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/bench/DeliveryBench" -c Release -o "$work/bench" --nologo -v q >/dev/null
echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
dotnet "$work/bench/DeliveryBench.dll" "${1:-5000}" "${2:-500}" "${3:-500}"
