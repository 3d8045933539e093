#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the two-provider tests and prints its connection string.
# Needs the postgresql package (apt); runs the server as the postgres user when started as root.
set -euo pipefail
port="${PGPORT_TEST:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
data="$(mktemp -d /tmp/chasebot-pg-XXXXXX)"
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$data"
as_postgres "$bin/initdb -D $data -A trust -U chasebot --no-sync" >/dev/null
as_postgres "$bin/pg_ctl -D $data -l $data/server.log -o '-h 127.0.0.1 -p $port -k /tmp -F' -w start" >/dev/null
echo "Host=127.0.0.1;Port=$port;Username=chasebot;Database=postgres;Pooling=true"
