#!/usr/bin/env bash
# Publishes a ChaseBot process the way the Dockerfile does (Release, for this machine's runtime, ReadyToRun), so the
# benches measure what ships:   bash bench/publish.sh src/Worker <output folder>
set -euo pipefail
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
dotnet publish "$1" -c Release -r "$rid" -o "$2" --nologo -v q >/dev/null
