#!/usr/bin/env bash
# From a Stripe webhook to the withdrawn proposal: a ledger of clients each with a proposal waiting, synced from a Stripe
# stand-in on 127.0.0.1; then, one at a time, an invoice is paid in Stripe and its signed `invoice.paid` event handed
# to the webhook handler (StripeWebhook, as the Bot's POST /webhooks/stripe calls it after reading the body). Timed
# from the handler's start to the proposal found withdrawn in the ledger. Release build, SQLite.
#   bash bench/sources/run.sh [clients=500] [webhooks=300]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/bench/SourcesBench" -c Release -o "$work/bench" --nologo -v q >/dev/null
echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
dotnet "$work/bench/SourcesBench.dll" "${1:-500}" "${2:-300}"
