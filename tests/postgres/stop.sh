#!/usr/bin/env bash
# Stops a PostgreSQL that tests/postgres/start.sh started, given its port, and deletes its data folder.
set -euo pipefail
port="${1:?usage: stop.sh <port>}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
data="$(psql -h 127.0.0.1 -p "$port" -U chasebot -d postgres -Atc 'SHOW data_directory' 2>/dev/null || true)"
[ -n "$data" ] || exit 0
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
as_postgres "$bin/pg_ctl -D $data -m fast -w stop" >/dev/null 2>&1 || true
case "$data" in /tmp/chasebot-pg-*) rm -rf "$data" ;; esac
