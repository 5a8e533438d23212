#!/usr/bin/env bash
# Installs and starts Debian's PostgreSQL on 127.0.0.1:5432 with user/password/database gevent4j, for the agent's
# JDBC test (agent/src/test/.../PostgresJdbcTest). Idempotent; run as root. Called by .ci/run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$ver *main"; then
  pg_createcluster "$ver" main
fi
pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true   # "already running" is fine
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432
# The JDBC test holds 90 connections at once (and a benchmark may too): room for both.
if [ "$(su postgres -c "psql -tAc 'SHOW max_connections'")" -lt 300 ]; then
  su postgres -c "psql -qc 'ALTER SYSTEM SET max_connections = 300'"
  pg_ctlcluster "$ver" main restart
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
fi
su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gevent4j') THEN
    CREATE ROLE gevent4j LOGIN PASSWORD 'gevent4j';
  END IF;
END $$;
SQL
if [ "$(su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'gevent4j'\"")" != "1" ]; then
  su postgres -c "createdb -O gevent4j gevent4j"
fi
echo "CI: PostgreSQL $ver ready on 127.0.0.1:5432 (user/password/database gevent4j)"
